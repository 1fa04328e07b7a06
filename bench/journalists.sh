#!/usr/bin/env bash
# Journalists' queries as the data grows (issue 13, section 2): for each size in SIZES, a
# database of synthetic programs imported through `visa-kb import`, a release server with the
# response cache off (CACHE=off) or on (CACHE=on), and for each load in bench/journalists/:
# req/s and p99 with 16 connections, then p50 one request at a time. The CSV export is timed
# with curl. RSS of the server after the loads, and its peak.
#
#   bench/journalists.sh                          # SIZES="2000 10000" CACHE=off, this tree's binary
#   BIN=/old/visa-kb TAG=old bench/journalists.sh # another binary, on its own databases
#   REUSE_DB=1 LOADS="feed changes" bench/journalists.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, curl, python3. Not a test: CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL="${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SIZES="${SIZES:-2000 10000}"
CACHE="${CACHE:-off}"
TAG="${TAG:-new}"
DURATION="${BENCH_DURATION:-10s}"
PORT="${BENCH_PORT:-18090}"
LOADS="${LOADS:-feed changes changes-count eligible search filtered compare timeline}"
OUT="${OUT:-bench/out/journalists}"
mkdir -p "$OUT"
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --bin visa-kb
  BIN=target/release/visa-kb
fi

server_pid=""
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap stop EXIT

measure() { # name url [script]
  local name=$1 url=$2 script=${3:-} args=()
  [ -n "$script" ] && args=(-s "$script")
  wrk -t2 -c16 -d3s "${args[@]}" "$url" >/dev/null
  wrk -t2 -c16 -d"$DURATION" --latency "${args[@]}" "$url" > "$OUT/$name.c16.txt"
  wrk -t1 -c1 -d"$DURATION" --latency "${args[@]}" "$url" > "$OUT/$name.c1.txt"
  local rps p99 p50 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.c16.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.c16.txt")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$name.c1.txt")
  errors=$(cat "$OUT/$name".c*.txt | grep -E "Non-2xx|Socket errors|ERROR RESPONSE" | head -1 || true)
  printf '%-8s %-6s %-14s %9s req/s  p99 %-9s  p50 alone %-9s %s\n' "$TAG" "$size" "$load" "$rps" "$p99" "$p50" "$errors"
}

for size in $SIZES; do
  db="visa_kb_j${size}_${TAG}"
  export DATABASE_URL="${ADMIN_URL%/*}/$db"
  if [ -z "${REUSE_DB:-}" ]; then
    python3 bench/generate.py "$size" > "$OUT/dataset-$size.json"
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    /usr/bin/time -f "import of $size: %e s, max RSS %M KB" "$BIN" import "$OUT/dataset-$size.json" > /dev/null
    psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)" -c "CHECKPOINT"
  fi
  cache_mb=0
  [ "$CACHE" = on ] && cache_mb=8
  VISA_KB_RESPONSE_CACHE_MB=$cache_mb VISA_KB_SEED=false VISA_KB_ADDR="127.0.0.1:$PORT" RUST_LOG=warn "$BIN" serve &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  export BENCH_PROGRAMS=$size
  for load in $LOADS; do
    if [ "$load" = feed ]; then
      measure "$TAG-$size-$CACHE-feed" "http://127.0.0.1:$PORT/feed.atom" bench/journalists/feed.lua
    else
      measure "$TAG-$size-$CACHE-$load" "http://127.0.0.1:$PORT/graphql" "bench/journalists/$load.lua"
    fi
  done
  for _ in 1 2 3; do
    curl -fs -o /dev/null -w "%{time_total} s %{size_download} bytes\n" "http://127.0.0.1:$PORT/export/programs.csv"
  done | sort -n | sed -n 2p | xargs printf '%-8s %-6s %-14s median of 3: %s %s %s %s\n' "$TAG" "$size" "export.csv"
  echo "$TAG $size server RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$server_pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$server_pid/status)"
  stop
done

#!/usr/bin/env bash
# Load benchmark on PostgreSQL: generate 2,000 synthetic programs, import them through the normal
# import path, start the release server, drive (a) a 50-program list and (b) one program, each with
# 16 concurrent connections, and report req/s, p50/p99 latency and the server's RSS.
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth), wrk (apt-get install wrk), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL="${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB=visa_kb_bench
DURATION="${BENCH_DURATION:-20s}"
PORT="${BENCH_PORT:-18080}"
OUT=bench/out
mkdir -p "$OUT"

cargo build --release --locked --bin visa-kb
python3 bench/generate.py 2000 > "$OUT/dataset.json"
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
export DATABASE_URL="${ADMIN_URL%/*}/$DB"
echo "importing $(du -h "$OUT/dataset.json" | cut -f1) through 'visa-kb import'..."
/usr/bin/time -f "import: %e s, max RSS %M KB" target/release/visa-kb import "$OUT/dataset.json" > "$OUT/import-report.json"
# Settle the fresh tables before measuring: otherwise autovacuum's first pass over 50,000 new
# rows (and the checkpoint writing them out) would run during the first measurements and show
# up as their tail latency.
psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)" -c "CHECKPOINT"

VISA_KB_SEED=false VISA_KB_ADDR="127.0.0.1:$PORT" RUST_LOG=warn target/release/visa-kb serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

run() {
  local name=$1 script=$2
  wrk -t2 -c16 -d5s -s "$script" "http://127.0.0.1:$PORT/graphql" >/dev/null # warm-up
  wrk -t2 -c16 -d"$DURATION" --latency -s "$script" "http://127.0.0.1:$PORT/graphql" > "$OUT/$name.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.txt")
  errors=$(grep -E "Non-2xx|Socket errors|ERROR RESPONSE" "$OUT/$name.txt" | head -1 || true)
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" "$p50" "$p99" "$errors"
}
# A correct answer first: the benchmark measures real responses, not errors.
curl -fs "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
  -d "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' bench/detail.lua)" | grep -q '"slug":"bench-01234"'
run "(a) 50 programs, nested" bench/list.lua
run "(b) one program, all" bench/detail.lua
run "(c) random program, all" bench/detail-random.lua
run "(d) random page of 50" bench/list-random.lua
echo "server RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status)"

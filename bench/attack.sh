#!/usr/bin/env bash
# Issue 10's targets, measured: the most expensive anonymous requests under 256 KB (CPU, memory,
# time), a light client's latency while another client floods, and 50 concurrent sign-ins.
# Uses the benchmark database of bench/run.sh (imports it first when it is missing).
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, python3. Prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL="${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB=visa_kb_bench
PORT="${BENCH_PORT:-18090}"
OUT=bench/out
mkdir -p "$OUT"

cargo build --release --locked --bin visa-kb
export DATABASE_URL="${ADMIN_URL%/*}/$DB"
if ! psql "$ADMIN_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  python3 bench/generate.py 2000 > "$OUT/dataset.json"
  psql "$ADMIN_URL" -qc "CREATE DATABASE $DB"
  target/release/visa-kb import "$OUT/dataset.json" > "$OUT/import-report.json"
  psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)" -c "CHECKPOINT"
fi
# The account of the sign-in run (created once; its earlier attempts forgotten).
printf '%s\n' "attack benchmark password, not a secret" |
  target/release/visa-kb user create --email target@example.org --role editor >/dev/null 2>&1 || true

SERVER=
stop() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap stop EXIT
# The server as shipped, behind a trusted proxy (this script), so that each simulated client
# has its own address; nothing is exempt from the rate limit.
start() {
  stop
  psql "$DATABASE_URL" -qc "DELETE FROM login_attempt"
  env VISA_KB_SEED=false VISA_KB_ADDR="127.0.0.1:$PORT" VISA_KB_TRUSTED_PROXIES=127.0.0.1 \
    VISA_KB_RATE_LIMIT_EXEMPT=0.0.0.0/32 RUST_LOG=warn "$@" target/release/visa-kb serve &
  SERVER=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  export BASE="http://127.0.0.1:$PORT" SERVER_PID=$SERVER
}

echo "# Attack benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
echo
start
python3 bench/attack.py expensive

echo "## 2. A light client (10 requests/s of (b)) while another floods (wrk, 16 connections)"
echo
echo "| server | light requests | statuses | p50 | p99 | max |"
echo "|---|---|---|---|---|---|"
for limit in 20 0; do
  start VISA_KB_RATE_LIMIT_PER_SECOND=$limit VISA_KB_RESPONSE_CACHE_MB=0
  wrk -t2 -c16 -d25s -s bench/flood.lua "$BASE/graphql" > "$OUT/flood-$limit.txt" &
  FLOOD=$!
  sleep 2
  python3 bench/attack.py light "rate limit $limit/s, no response cache"
  wait $FLOOD
done
echo
for limit in 20 0; do
  printf 'flood with limit %s/s: %s req/s, %s\n' "$limit" \
    "$(awk '/Requests\/sec/ {print $2}' "$OUT/flood-$limit.txt")" \
    "$(grep -E 'Non-2xx' "$OUT/flood-$limit.txt" || echo 'all 2xx')"
done
echo

start
python3 bench/attack.py logins

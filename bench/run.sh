#!/usr/bin/env bash
# The hot-path benchmark: GET /api/portal/v1/appointments?limit=50 as one portal user granted
# 10 locations, against the release server on PostgreSQL and on SQLite.
#
#   bench/run.sh [--rows N] [--backend postgres|sqlite]... [--duration 10s] [--connections 8]
#                [--threads 2] [--reseed] [--no-build]
#
# For each backend it
#   1. seeds (once per row count; --reseed to start over) a database with
#      `ordinavo demo seed --scale N`: 100 customers, 1,000 locations, N appointments, one
#      portal user granted 10 locations (its password is kept in the bench directory);
#   2. prints the plan of the hot-path SQL and how many queries/s the SQL alone does
#      (crates/persistence/examples/explain_hot_path.rs, 8 connections, 5 s, with a session of
#      its own so the statement's caller check runs as in the server);
#   3. starts `ordinavo serve` (release build), signs the user in, warms up for 3 s, then loads
#      the route with wrk for --duration over --connections connections — every request
#      verifies the JWT and re-checks session, user and CURRENT grants in the same statement
#      that reads the page;
#   4. prints requests/s, p50 and p99 latency, the server's RSS (current and peak) and the CPU
#      time per request of the server, of PostgreSQL and of the rest of the machine.
#
# Needs: wrk (`apt-get install -y wrk`), curl, python3, a PostgreSQL server at $PG_ADMIN_URL
# (default postgres://postgres@127.0.0.1:5432/postgres) for the postgres backend. Never run by
# `make test` or CI: figures are machine-dependent and are recorded in bench/RESULTS.md.
set -euo pipefail

ROWS=100000
BACKENDS=()
DURATION=10s
CONNECTIONS=8
THREADS=2
RESEED=0
BUILD=1
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${BENCH_DIR:-/tmp/ordinavo-bench}
PORT=${BENCH_PORT:-18080}
SERVER_LOG_LEVEL=${BENCH_LOG:-warn}

while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --backend) BACKENDS+=("$2"); shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --reseed) RESEED=1; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(postgres sqlite)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/target/release/ordinavo
EXPLAIN=$ROOT/target/release/examples/explain_hot_path
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && cargo build --release -q -p ordinavo-api \
    && cargo build --release -q -p ordinavo-persistence --example explain_hot_path)
fi
mkdir -p "$WORK"

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# CPU time (clock ticks) used so far by the given processes.
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$sum"
}
# CPU time (clock ticks) used so far by the whole machine.
all_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# "server X ms, postgres Y ms, rest Z ms" of CPU per request, from wrk's request count and the
# tick deltas of the server, the PostgreSQL processes and the whole machine.
cpu_per_request() { # wrk.txt server_ticks db_ticks all_ticks
  local hz
  hz=$(getconf CLK_TCK)
  awk -v s="$2" -v d="$3" -v a="$4" -v hz="$hz" '/requests in/ {n = $1}
    END {printf "server %.3f ms, postgres %.3f ms, rest (load generator, kernel) %.3f ms",
      s * 1000 / hz / n, d * 1000 / hz / n, (a - s - d) * 1000 / hz / n}' "$1"
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

database_url() { # backend dir
  case "$1" in
    postgres) echo "${PG_ADMIN_URL%/*}/ordinavo_bench_$ROWS" ;;
    sqlite) echo "sqlite://$2/ordinavo.db" ;;
    *) echo "unknown backend $1" >&2; exit 2 ;;
  esac
}

seed() { # backend dir url
  local backend=$1 dir=$2 url=$3
  rm -rf "$dir" && mkdir -p "$dir"
  if [ "$backend" = postgres ]; then
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"ordinavo_bench_$ROWS\" WITH (FORCE)"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"ordinavo_bench_$ROWS\""
  fi
  echo "   seeding $ROWS appointments…"
  local started=$SECONDS
  ORDINAVO_DATA_DIR=$dir ORDINAVO_DATABASE_URL=$url ORDINAVO_LOG=warn \
    "$BIN" demo seed --scale "$ROWS" | tee "$dir/seed.txt" | grep -E "^Benchmark" || true
  grep -E '^BENCH_PORTAL_(EMAIL|PASSWORD)=' "$dir/seed.txt" > "$dir/credentials"
  echo "   seed took $((SECONDS - started)) s (including migrations)"
}

run_backend() {
  local backend=$1
  local dir=$WORK/$backend-$ROWS
  local url
  url=$(database_url "$backend" "$dir")
  echo "== $backend, $ROWS appointments"
  if [ "$RESEED" = 1 ] || [ ! -s "$dir/credentials" ]; then
    seed "$backend" "$dir" "$url"
  fi
  # shellcheck disable=SC1091
  . "$dir/credentials"

  "$EXPLAIN" "$url" "$BENCH_PORTAL_EMAIL" 5 "$CONNECTIONS" > "$dir/plan.txt"
  sed 's/^/   /' "$dir/plan.txt"

  ORDINAVO_DATA_DIR=$dir ORDINAVO_DATABASE_URL=$url ORDINAVO_BIND=127.0.0.1:$PORT \
    ORDINAVO_LOG=$SERVER_LOG_LEVEL "$BIN" serve > "$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local base=http://127.0.0.1:$PORT
  for _ in $(seq 1 100); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local token
  token=$(curl -fs -X POST -H 'content-type: application/json' \
    -d "{\"email\":\"$BENCH_PORTAL_EMAIL\",\"password\":\"$BENCH_PORTAL_PASSWORD\"}" \
    "$base/api/portal/v1/auth/login" | json_field '["access_token"]')
  local target="$base/api/portal/v1/appointments?limit=50"
  local items
  items=$(curl -fs -H "Authorization: Bearer $token" "$target" | json_field '["items"].__len__()')
  echo "   one page: $items appointments"

  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "Authorization: Bearer $token" "$target" >/dev/null
  local server_before db_before all_before
  server_before=$(cpu_ticks "$SERVER_PID")
  db_before=$(cpu_ticks $(pgrep -x postgres || true))
  all_before=$(all_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "Authorization: Bearer $token" "$target" > "$dir/wrk.txt"
  local cpu_split
  cpu_split=$(cpu_per_request "$dir/wrk.txt" \
    $(( $(cpu_ticks "$SERVER_PID") - server_before )) \
    $(( $(cpu_ticks $(pgrep -x postgres || true)) - db_before )) \
    $(( $(all_ticks) - all_before )))
  local rps p50 p99 non2xx rss hwm
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$dir/wrk.txt")
  p50=$(awk '/^ +50%/ {print $2}' "$dir/wrk.txt")
  p99=$(awk '/^ +99%/ {print $2}' "$dir/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$dir/wrk.txt")
  rss=$(awk '/^VmRSS:/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER_PID/status")
  hwm=$(awk '/^VmHWM:/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER_PID/status")
  stop_server
  sed 's/^/   /' "$dir/wrk.txt"
  local line
  line=$(printf '%-8s rows=%-8s requests/s=%-9s p50=%-8s p99=%-8s rss=%s (peak %s)%s' \
    "$backend" "$ROWS" "$rps" "$p50" "$p99" "$rss" "$hwm" \
    "${non2xx:+ NON-2XX=$non2xx}")
  echo "== $line"
  echo "   CPU per request: $cpu_split"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $line" >> "$WORK/summary.txt"
}

for backend in "${BACKENDS[@]}"; do
  run_backend "$backend"
done
echo "(all runs: $WORK/summary.txt)"

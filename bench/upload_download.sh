#!/usr/bin/env bash
# Upload and download one large attachment through the release server and report how much the
# server's resident memory (RSS) grows while doing it. The bytes must be streamed both ways:
# target < 20 MB of growth for a 50 MB file.
#
#   bench/upload_download.sh            # 50 MB, 3 rounds
#   SIZE_MB=100 ROUNDS=1 bench/upload_download.sh
#
# What it does, all on 127.0.0.1 with a throw-away data directory (SQLite, files on disk):
#   1. builds `ordinavo` in release mode, migrates, seeds the demo company, starts `serve`;
#   2. arranges a work item (in the database) and, through the internal API, a visit report
#      that is approved and published;
#   3. samples the server's VmRSS every 20 ms (from /proc) while, per round, a manager uploads
#      the file (POST /attachments, multipart) and releases it, and a portal user downloads it
#      (GET /attachments/{id}/content); checks the downloaded bytes' SHA-256;
#   4. prints the baseline RSS (warm server, before the first upload), the peak during the
#      transfers and the growth.
# Needs: cargo, curl, jq, sqlite3, python3. Stops the server and removes its files at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB="${SIZE_MB:-50}"
ROUNDS="${ROUNDS:-3}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

echo "== building the release binary"
cargo build --release -q -p ordinavo-api
BIN="$TARGET_DIR/release/ordinavo"

WORK="$(mktemp -d)"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export ORDINAVO_DATA_DIR="$WORK/data"
export ORDINAVO_BIND="127.0.0.1:$PORT"
export ORDINAVO_LOG="warn"
export ORDINAVO_FRONTEND_DIR="$WORK/no-frontend"
BASE="http://127.0.0.1:$PORT"
DB="$WORK/data/ordinavo.db"

echo "== seeding a demo database in $WORK"
"$BIN" migrate >/dev/null
"$BIN" demo seed >"$WORK/logins.txt"
MANAGER_EMAIL="$(awk '$1 == "staff" && $3 == "manager" { print $2; exit }' "$WORK/logins.txt")"
MANAGER_PASSWORD="$(awk '$1 == "staff" && $3 == "manager" { print $NF; exit }' "$WORK/logins.txt")"
PORTAL_EMAIL="$(awk '$1 == "portal" { print $2; exit }' "$WORK/logins.txt")"
PORTAL_PASSWORD="$(awk '$1 == "portal" { print $NF; exit }' "$WORK/logins.txt")"

# The portal user may read reports and download files on all of its customer's sites, and the
# customer has attachments enabled; a work item at one of those sites.
USER_SQL="(SELECT id FROM portal_users WHERE email = '$PORTAL_EMAIL')"
sqlite3 "$DB" "UPDATE portal_grants SET all_locations = 1, can_view_reports = 1,
  can_download_attachments = 1 WHERE portal_user_id = $USER_SQL;
  UPDATE customers SET attachments_enabled = 1, portal_enabled = 1
  WHERE id IN (SELECT customer_id FROM portal_grants WHERE portal_user_id = $USER_SQL);"
read -r CUSTOMER_HEX LOCATION_HEX < <(sqlite3 -separator ' ' "$DB" "SELECT hex(l.customer_id), hex(l.id)
  FROM locations l JOIN portal_grants g ON g.customer_id = l.customer_id
  WHERE g.portal_user_id = $USER_SQL ORDER BY l.name LIMIT 1;")
TARGET_HEX="$(python3 -c 'import uuid; print(uuid.uuid4().hex)')"
sqlite3 "$DB" "INSERT INTO targets (id, customer_id, location_id, title, internal_status, priority,
  version, created_at, updated_at) VALUES (X'$TARGET_HEX', X'$CUSTOMER_HEX', X'$LOCATION_HEX',
  'Bench work item', 'open', 'normal', 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');"
TARGET_ID="$(python3 -c "import uuid, sys; print(uuid.UUID(hex=sys.argv[1]))" "$TARGET_HEX")"

echo "== starting the server on $BASE"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/healthz" >/dev/null && break
  sleep 0.1
done
curl -sf "$BASE/healthz" >/dev/null

json() { jq -r "$1"; }
STAFF_TOKEN="$(curl -sf "$BASE/api/internal/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$MANAGER_EMAIL\",\"password\":\"$MANAGER_PASSWORD\"}" | json .access_token)"
PORTAL_TOKEN="$(curl -sf "$BASE/api/portal/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$PORTAL_EMAIL\",\"password\":\"$PORTAL_PASSWORD\"}" | json .access_token)"
staff() { curl -sf -H "authorization: Bearer $STAFF_TOKEN" "$@"; }

REPORT_ID="$(staff "$BASE/api/internal/v1/reports" -H 'content-type: application/json' \
  -d "{\"target_id\":\"$TARGET_ID\",\"body\":\"bench\"}" | json .id)"
staff -X POST "$BASE/api/internal/v1/reports/$REPORT_ID/submit" >/dev/null
staff -X POST "$BASE/api/internal/v1/reports/$REPORT_ID/approve" >/dev/null
staff "$BASE/api/internal/v1/reports/$REPORT_ID/publish" -H 'content-type: application/json' \
  -d '{"portal_title":"Bench report","portal_summary":"A large file."}' >/dev/null

# A PDF header (the type is sniffed) followed by random bytes.
FILE="$WORK/big.pdf"
printf '%%PDF-1.7\n' >"$FILE"
head -c "$((SIZE_MB * 1000 * 1000 - 9))" /dev/urandom >>"$FILE"
WANT_SHA="$(sha256sum "$FILE" | cut -d' ' -f1)"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
# Warm up the routes the transfer uses with a small file, then take the baseline.
SMALL="$WORK/small.pdf"
printf '%%PDF-1.7\nwarm-up\n' >"$SMALL"
WARM_ID="$(staff -F "file=@$SMALL;filename=warm.pdf" \
  "$BASE/api/internal/v1/attachments?owner_kind=report&owner_id=$REPORT_ID" | json .id)"
staff -X POST "$BASE/api/internal/v1/attachments/$WARM_ID/release" >/dev/null
curl -sf -H "authorization: Bearer $PORTAL_TOKEN" -o /dev/null \
  "$BASE/api/portal/v1/attachments/$WARM_ID/content"
sleep 0.5
BASELINE_KB="$(rss_kb)"

( while kill -0 "$SERVER_PID" 2>/dev/null; do rss_kb; sleep 0.02; done ) >"$WORK/rss.txt" 2>/dev/null &
SAMPLER_PID=$!

echo "== $ROUNDS round(s) of upload + download of a $SIZE_MB MB file"
for round in $(seq 1 "$ROUNDS"); do
  START=$(date +%s.%N)
  ID="$(staff -F "file=@$FILE;filename=big-$round.pdf" \
    "$BASE/api/internal/v1/attachments?owner_kind=report&owner_id=$REPORT_ID" | json .id)"
  UP=$(date +%s.%N)
  staff -X POST "$BASE/api/internal/v1/attachments/$ID/release" >/dev/null
  GOT_SHA="$(curl -sf -H "authorization: Bearer $PORTAL_TOKEN" \
    "$BASE/api/portal/v1/attachments/$ID/content" | sha256sum | cut -d' ' -f1)"
  DOWN=$(date +%s.%N)
  if [ "$GOT_SHA" != "$WANT_SHA" ]; then
    echo "round $round: downloaded bytes differ from the upload" >&2
    exit 1
  fi
  printf '  round %d: upload %.2f s, download %.2f s, SHA-256 matches\n' "$round" \
    "$(echo "$UP - $START" | bc)" "$(echo "$DOWN - $UP" | bc)"
done
sleep 0.2
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

PEAK_KB="$(sort -n "$WORK/rss.txt" | tail -1)"
END_KB="$(rss_kb)"
SAMPLES="$(wc -l <"$WORK/rss.txt")"
GROWTH_KB=$((PEAK_KB - BASELINE_KB))
echo "== server RSS ($SAMPLES samples)"
printf '  baseline %6.1f MB   peak %6.1f MB   after %6.1f MB\n' \
  "$(echo "$BASELINE_KB / 1024" | bc -l)" "$(echo "$PEAK_KB / 1024" | bc -l)" \
  "$(echo "$END_KB / 1024" | bc -l)"
printf 'RSS growth during %d x %d MB upload+download: %.1f MB (target < 20 MB)\n' \
  "$ROUNDS" "$SIZE_MB" "$(echo "$GROWTH_KB / 1024" | bc -l)"
if [ "$GROWTH_KB" -ge $((20 * 1024)) ]; then
  echo "RSS growth is above the 20 MB target" >&2
  exit 1
fi

#!/usr/bin/env bash
# Requests under load, next to the trivial handler in the same run: sustained submissions
# through the JSON API (a form of five fields, no file; each acknowledged only once
# committed) and status look-ups by tracking code, wrk at 64 connections, on SQLite (or the
# PostgreSQL database given).
# Targets (issue 5): >= 2,000 submissions/s with p99 < 50 ms; >= 10,000 look-ups/s.
#
#   bench/requests.sh [SECONDS] [DATABASE_URL]     (default 10 s, SQLite in a temporary folder)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
CONNS=64
need_wrk
bench_start requests
[[ $# -ge 2 ]] && ARGS+=(--database-url "$2")
count() {
  if [[ $# -ge 0 && ${#ARGS[@]} -gt 2 ]]; then
    psql -At "${ARGS[3]}" -c "select count(*) from requests"
  else
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from requests").fetchone()[0])' "$WORK/data/satupintu.sqlite3"
  fi
}
cat >"$WORK/form.json" <<'JSON'
{"fields": [
  {"key": "nama_lengkap", "label": "Nama lengkap", "required": true, "kind": "text"},
  {"key": "tanggal_lahir", "label": "Tanggal lahir", "required": true, "kind": "date"},
  {"key": "kecamatan", "label": "Kecamatan", "required": true, "kind": "choice", "options": ["Bogor Utara", "Bogor Selatan", "Bogor Tengah", "Bogor Timur", "Bogor Barat", "Tanah Sareal"]},
  {"key": "jumlah", "label": "Jumlah", "required": true, "kind": "number"},
  {"key": "keterangan", "label": "Keterangan", "kind": "long_text"}
]}
JSON
echo 'kata-sandi-bench' | "$BIN" user add --email bench@contoh.id --password-stdin "${ARGS[@]}" >/dev/null
"$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
PID=$!
PIDS+=("$PID")
wait_ready "$BASE"
"$BIN" form set KTP-EL "$WORK/form.json" "${ARGS[@]}" >/dev/null
cookie=$(session_cookie "$BASE" bench@contoh.id kata-sandi-bench)
body='{"service":"KTP-EL","answers":{"nama_lengkap":"Siti Rahma","tanggal_lahir":"1990-04-25","kecamatan":"Bogor Utara","jumlah":2,"keterangan":"Uji beban"}}'
code=$(curl -fsS -H "cookie: $cookie" -H 'content-type: application/json' -d "$body" "$BASE/api/v1/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tracking_code"])')
cat >"$WORK/submit.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$cookie"
LUA

trivial=$(wrk_row trivial "$BASE/healthz")
lookup=$(wrk_row lookup "$BASE/api/v1/requests/$code")
before=$(count)
submit=$(wrk_row submit -s "$WORK/submit.lua" "$BASE/api/v1/requests")
after=$(count)
wrk_table "$trivial" "$lookup" "$submit"
echo "requests stored during the submission run: $((after - before)) (wrk counted $(awk '/requests in/ {print $1}' "$WORK/submit.out"))"

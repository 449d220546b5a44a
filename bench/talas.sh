#!/usr/bin/env bash
# Talas through the REST channel (POST /api/v1/assistant/messages) under load, next to the
# trivial handler in the same run: wrk at 32 connections, 10,000 distinct senders in turn,
# a mix of single-turn messages (greetings, a service's requirements, its cost, a status
# look-up by a real tracking code, out of scope). REST has no outbound (the replies are the
# answer), so the figures exclude delivery. Then memory: the server's resident set before
# and after 10,000 conversations are started (one message from each of 10,000 new senders).
# Targets (issue 6): >= 3,000 messages/s with p99 < 20 ms; exits non-zero when missed.
#
#   bench/talas.sh [SECONDS]     (default 10 s per run, SQLite in a temporary folder)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
CONNS=32
SENDERS=10000
TARGET_RPS=3000
TARGET_P99_MS=20
need_wrk
bench_start talas
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }
conversations() {
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from conversations").fetchone()[0])' "$WORK/data/satupintu.sqlite3"
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v }'; }

# A real request, so that the status messages look up a stored tracking code.
echo 'kata-sandi-bench' | "$BIN" user add --email bench@contoh.id --password-stdin "${ARGS[@]}" >/dev/null
"$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
PID=$!
PIDS+=("$PID")
wait_ready "$BASE"
echo '{"fields": [{"key": "nama_lengkap", "label": "Nama lengkap", "required": true, "kind": "text"}]}' >"$WORK/form.json"
"$BIN" form set KTP-EL "$WORK/form.json" "${ARGS[@]}" >/dev/null
cookie=$(session_cookie "$BASE" bench@contoh.id kata-sandi-bench)
code=$(curl -fsS -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"service":"KTP-EL","answers":{"nama_lengkap":"Siti Rahma"}}' "$BASE/api/v1/requests" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["tracking_code"])')

# The mix, one message a line (JSON string contents).
cat >"$WORK/messages.txt" <<MSG
halo kak
selamat pagi min
syarat bikin ktp apa aja
apa saja persyaratan akta kelahiran
what documents do i need for a family card
berapa biaya ngurus kk
biaya izin usaha berapa ya
cek status $code
permohonan saya $code udah sampai mana
siapa juara piala dunia 2022
MSG

# Memory first, on the fresh server: one message trains the model and warms the caches,
# then each of 10,000 new senders starts a conversation with one message.
python3 - "$BASE" 1 warm "$WORK/messages.txt" <<'PY' >/dev/null
import http.client, json, sys, urllib.parse
base, n, prefix, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
messages = [l.rstrip("\n") for l in open(path) if l.strip()]
u = urllib.parse.urlsplit(base)
c = http.client.HTTPConnection(u.hostname, u.port)
for i in range(n):
    for m in messages:
        c.request("POST", "/api/v1/assistant/messages", json.dumps({"sender": f"{prefix}-{i:08d}", "message": m}),
                  {"content-type": "application/json"})
        r = c.getresponse(); r.read()
        assert r.status == 200, (r.status, m)
PY
before_kb=$(rss_kb)
before_convs=$(conversations)
python3 - "$BASE" "$SENDERS" "$WORK/messages.txt" <<'PY'
import http.client, json, sys, threading, urllib.parse
base, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
messages = [l.rstrip("\n") for l in open(path) if l.strip()]
u = urllib.parse.urlsplit(base)
THREADS = 4
failed = []
def run(t):
    c = http.client.HTTPConnection(u.hostname, u.port)
    for i in range(t, n, THREADS):
        body = json.dumps({"sender": f"conversation-{i:05d}", "message": messages[i % len(messages)]})
        c.request("POST", "/api/v1/assistant/messages", body, {"content-type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status != 200: failed.append(r.status)
threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
for t in threads: t.start()
for t in threads: t.join()
if failed: sys.exit(f"{len(failed)} conversations not started: {failed[:5]}")
PY
after_kb=$(rss_kb)
after_convs=$(conversations)

# Each wrk thread takes every other sender (no two threads write one conversation at once)
# and a message of the mix at random (fixed seed).
{
  echo 'local messages = {'
  while IFS= read -r m; do printf '  "%s",\n' "$m"; done <"$WORK/messages.txt"
  echo '}'
  cat <<LUA
local senders, threads = $SENDERS, 2
local counter = 0
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  math.randomseed(42 + id)
end
function request()
  counter = counter + 1
  local sender = (counter * threads + id) % senders
  local body = string.format('{"sender":"bench-sender-%05d","message":"%s"}', sender, messages[math.random(#messages)])
  return wrk.format("POST", "/api/v1/assistant/messages", {["Content-Type"] = "application/json"}, body)
end
LUA
} >"$WORK/talas.lua"

trivial=$(wrk_row trivial "$BASE/healthz")
talas=$(wrk_row talas-messages -s "$WORK/talas.lua" "$BASE/api/v1/assistant/messages")
wrk_table "$trivial" "$talas"
end_kb=$(rss_kb)

printf '\nmemory (VmRSS): %.1f MB with %d conversations, %.1f MB with %d (+%d): %.2f KB per conversation; %.1f MB after the load runs\n' \
  "$(awk -v k="$before_kb" 'BEGIN {print k/1024}')" "$before_convs" \
  "$(awk -v k="$after_kb" 'BEGIN {print k/1024}')" "$after_convs" "$((after_convs - before_convs))" \
  "$(awk -v a="$after_kb" -v b="$before_kb" -v n="$((after_convs - before_convs))" 'BEGIN {print (a-b)/n}')" \
  "$(awk -v k="$end_kb" 'BEGIN {print k/1024}')"

read -r _ rps p99 errors <<<"$talas"
p99_ms=$(ms "$p99")
if awk -v r="$rps" -v p="$p99_ms" -v e="$errors" -v tr="$TARGET_RPS" -v tp="$TARGET_P99_MS" 'BEGIN {exit !(r >= tr && p < tp && e == 0)}'; then
  printf 'verdict: met (%.0f messages/s >= %d, p99 %s ms < %d ms)\n' "$rps" "$TARGET_RPS" "$p99_ms" "$TARGET_P99_MS"
else
  printf 'verdict: MISSED (%.0f messages/s, target >= %d; p99 %s ms, target < %d ms; %s non-2xx)\n' "$rps" "$TARGET_RPS" "$p99_ms" "$TARGET_P99_MS" "$errors"
  exit 1
fi

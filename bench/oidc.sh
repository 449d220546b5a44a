#!/usr/bin/env bash
# The OpenID Connect provider under load, next to the trivial handler in the same run:
# the token endpoint (refresh grant: client authentication, refresh rotation, two tokens
# written, all in one transaction) and UserInfo (bearer lookup), wrk at 32 connections.
# Code exchange, which signs an RS256 ID token, is timed separately (8 clients).
# Target (issue 4): token and UserInfo >= 5,000 req/s on 2 cores, p99 < 20 ms.
#
#   bench/oidc.sh [SECONDS]     (default 10)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
CONNS=${CONNS:-32}
need_wrk
bench_start oidc
export SATUPINTU_PUBLIC_URL="$BASE"
echo 'kata-sandi-bench' | "$BIN" user add --email bench@contoh.id --password-stdin --data-dir "$WORK/data" >/dev/null
client=$("$BIN" oidc client add --name Bench --redirect-uri http://127.0.0.1:9/cb --json --data-dir "$WORK/data")
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$client")
secret=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$client")
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
PIDS+=("$PID")
wait_ready "$BASE"

python3 "$ROOT/bench/oidc_tokens.py" "$BASE" "$id" "$secret" bench@contoh.id kata-sandi-bench 96 400 >"$WORK/tokens.json"
access=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access"][0])' "$WORK/tokens.json")
refresh=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["refresh"]))' "$WORK/tokens.json")
basic=$(printf '%s:%s' "$id" "$secret" | base64 -w0)

# Each wrk thread keeps a pool of live refresh tokens: a request takes one, its response
# gives back the rotated one (a spent token is never replayed, which would revoke it).
cat >"$WORK/refresh.lua" <<LUA
local all = {}
for t in string.gmatch("$refresh", "[^,]+") do all[#all + 1] = t end
local next_thread = 0
function setup(thread)
  local mine = {}
  for i = next_thread + 1, #all, 2 do mine[#mine + 1] = all[i] end
  thread:set("pool", table.concat(mine, ","))
  next_thread = next_thread + 1
end
function init(args)
  tokens = {}
  for t in string.gmatch(pool, "[^,]+") do tokens[#tokens + 1] = t end
end
function request()
  local t = table.remove(tokens, 1)
  return wrk.format("POST", "/oidc/token", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic $basic",
  }, "grant_type=refresh_token&refresh_token=" .. t)
end
function response(status, headers, body)
  local t = string.match(body, '"refresh_token":"([^"]+)"')
  if t then tokens[#tokens + 1] = t end
end
LUA

trivial=$(wrk_row trivial "$BASE/healthz")
userinfo=$(wrk_row userinfo -H "Authorization: Bearer $access" "$BASE/oidc/userinfo")
token=$(wrk_row token -s "$WORK/refresh.lua" "$BASE/oidc/token")
wrk_table "$trivial" "$userinfo" "$token"
python3 - "$WORK/tokens.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
print(f"code exchange with an RS256 ID token (8 Python clients): {t['exchange_per_s']} per second, p99 {t['exchange_p99_ms']} ms")
PY

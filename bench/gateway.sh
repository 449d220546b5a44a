#!/usr/bin/env bash
# The API gateway next to nginx, in one run: the same tiny upstream (an nginx server block
# answering `ok`) reached through Debian's nginx with `proxy_pass` (upstream keep-alive, the
# access log on, as a real deployment has it) and through satupintu's `/gw/BENCH…` with an
# API key checked, a rate limit applied and every call in the chained access log; wrk -t2
# at 64 connections, alternating nginx and satupintu for ROUNDS rounds.
# Targets (issue 8): satupintu >= 0.8 x nginx's throughput, p99 <= 1.5 x nginx's.
#
#   bench/gateway.sh [SECONDS] [ROUNDS]     (default 10 s, 2 rounds; SQLite in a temporary folder)
#
# Installs nginx and wrk with apt-get if missing. Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
ROUNDS=${2:-2}
CONNS=64
if ! command -v wrk >/dev/null || ! [[ -x /usr/sbin/nginx ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >&2
fi
bench_start gateway
UP=$(free_port); NGINX=$(free_port)

# nginx_conf NAME WORKERS SERVER-BLOCK: a self-contained nginx configuration in WORK.
nginx_conf() {
  mkdir -p "$WORK/$1"
  cat >"$WORK/$1/nginx.conf" <<CONF
daemon off;
worker_processes $2;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $WORK/$1/body;
  proxy_temp_path $WORK/$1/proxy;
  fastcgi_temp_path $WORK/$1/fastcgi;
  uwsgi_temp_path $WORK/$1/uwsgi;
  scgi_temp_path $WORK/$1/scgi;
  $3
}
CONF
  /usr/sbin/nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" &
  PIDS+=($!)
}
# The upstream: one worker, no log, answers at once.
nginx_conf upstream 1 "access_log off; server { listen 127.0.0.1:$UP; location / { return 200 'ok'; } }"
# The reference proxy: one worker per core, as Debian ships it, keep-alive to the upstream.
nginx_conf proxy auto "access_log $WORK/proxy/access.log;
  upstream app { server 127.0.0.1:$UP; keepalive 64; }
  server { listen 127.0.0.1:$NGINX;
    location /gw/BENCH/ { proxy_pass http://app/; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme; } }"

"$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_ready "$BASE"
"$BIN" gateway route add KTP-EL --upstream "http://127.0.0.1:$UP" --json "${ARGS[@]}" >/dev/null
# A limit far above what one machine can send: every call still takes from its bucket.
key=$("$BIN" apikey add --name "Bench" --rate-per-minute 1000000000 "${ARGS[@]}" 2>/dev/null)
for _ in $(seq 1 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $key" "$BASE/gw/KTP-EL/x") == 200 ]] && break
  sleep 0.1
done
for url in "http://127.0.0.1:$NGINX/gw/BENCH/x" "$BASE/gw/KTP-EL/x"; do
  [[ $(curl -s -H "authorization: Bearer $key" "$url") == ok ]] || { echo "no answer from $url" >&2; exit 1; }
done
curl -s -o /dev/null -w 'without a key: %{http_code}\n' "$BASE/gw/KTP-EL/x"

# p99 as wrk prints it (850.00us, 1.23ms, 1.01s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; print n }'; }

printf '%-6s %-10s %10s %10s %8s\n' round proxy req/s p99 non-2xx
rows=()
for round in $(seq 1 "$ROUNDS"); do
  # A short warm-up each, so pools and caches are filled before measuring.
  wrk -t2 -c"$CONNS" -d2s "http://127.0.0.1:$NGINX/gw/BENCH/x" >/dev/null
  n=$(wrk_row "nginx-$round" "http://127.0.0.1:$NGINX/gw/BENCH/x")
  wrk -t2 -c"$CONNS" -d2s -H "authorization: Bearer $key" "$BASE/gw/KTP-EL/x" >/dev/null
  s=$(wrk_row "satupintu-$round" -H "authorization: Bearer $key" "$BASE/gw/KTP-EL/x")
  for line in "$n" "$s"; do
    read -r name rps p99 errors <<<"$line"
    printf '%-6s %-10s %10.0f %10s %8s\n' "$round" "${name%-*}" "$rps" "$p99" "$errors"
  done
  rows+=("$n|$s")
done

# Verdict on the sums over the rounds (throughput) and the worst p99 of each.
awk_rows=$(for r in "${rows[@]}"; do
  IFS='|' read -r n s <<<"$r"
  read -r _ nr np _ <<<"$n"; read -r _ sr sp _ <<<"$s"
  echo "$nr $(ms "$np") $sr $(ms "$sp")"
done)
echo "$awk_rows" | awk '
  { nr += $1; sr += $3; if ($2 > np) np = $2; if ($4 > sp) sp = $4 }
  END {
    ratio = sr / nr; lat = sp / np
    printf "throughput: satupintu %.0f req/s vs nginx %.0f req/s = %.2f x (target >= 0.80): %s\n", sr / NR, nr / NR, ratio, (ratio >= 0.8 ? "MET" : "NOT MET")
    printf "p99 (worst round): satupintu %.2f ms vs nginx %.2f ms = %.2f x (target <= 1.50): %s\n", sp, np, lat, (lat <= 1.5 ? "MET" : "NOT MET")
  }'
sleep 1
"$BIN" gateway verify-log "${ARGS[@]}"
echo "wrk counted $(cat "$WORK"/satupintu-*.out | awk '/requests in/ {s += $1} END {print s}') measured satupintu calls (plus warm-ups)"

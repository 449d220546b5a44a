#!/usr/bin/env bash
# Catalog speed on this machine: wrk at 64 connections against a release build with the
# demo city on SQLite, side by side with the trivial handler (/healthz) in the same binary
# as the ceiling. Prints throughput, p99 and the ratio to the ceiling, then the server's
# resident memory after the run.
#
#   bench/catalog.sh [SECONDS]     (default 15 s per endpoint)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${1:-15}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
WORK=$(mktemp -d /tmp/satupintu-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$CARGO_TARGET_DIR/release/satupintu" serve --demo --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"

# name | path | extra wrk header
ENDPOINTS=(
  "trivial (/healthz)|/healthz|"
  "catalog API page|/api/v1/services?page=1|"
  "catalog API page, gzip|/api/v1/services?page=1|Accept-Encoding: gzip"
  "catalog API filtered|/api/v1/services?category=kependudukan&status=terintegrasi|"
  "home page|/|"
  "home page, gzip|/|Accept-Encoding: gzip"
)

run() { # path header -> "rps p99_ms"
  local args=(-t2 -c64 -d"${DURATION}s" --latency)
  [[ -n "$2" ]] && args+=(-H "$2")
  wrk "${args[@]}" "$BASE$1" >"$WORK/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk.out")
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx responses for $1" >&2; cat "$WORK/wrk.out" >&2; exit 1; fi
  echo "$rps $p99"
}

# Warm the caches (SQLite pages, allocator) before measuring.
wrk -t2 -c64 -d3s "$BASE/api/v1/services?page=1" >/dev/null
wrk -t2 -c64 -d2s "$BASE/" >/dev/null

printf '%-28s %12s %10s %10s\n' "endpoint" "req/s" "p99 ms" "vs trivial"
ceiling=""
for entry in "${ENDPOINTS[@]}"; do
  IFS='|' read -r name path header <<<"$entry"
  read -r rps p99 < <(run "$path" "$header")
  [[ -z "$ceiling" ]] && ceiling=$rps
  ratio=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN {printf "%.0f%%", 100*a/b}')
  printf '%-28s %12.0f %10.2f %10s\n' "$name" "$rps" "$p99" "$ratio"
done
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
printf '\nresident memory after the run: %.1f MB\n' "$(awk -v k="$rss_kb" 'BEGIN {print k/1024}')"
echo "machine: $(nproc) cores; wrk -t2 -c64 -d${DURATION}s on loopback; server and wrk share the cores"

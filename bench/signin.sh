#!/usr/bin/env bash
# Password sign-ins per second with satupintu's Argon2id parameters (m=19 MiB, t=2, p=1):
# wrk posts the sign-in form with the right password (each success also writes a session),
# next to the trivial handler in the same run. Keycloak's sizing guide plans 15 per vCPU.
#
#   bench/signin.sh [SECONDS]     (default 15)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${1:-15}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
BIN="$CARGO_TARGET_DIR/release/satupintu"
WORK=$(mktemp -d /tmp/satupintu-signin.XXXXXX)
PID=""
trap 'if [[ -n "$PID" ]]; then kill $PID 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo 'kata-sandi-bench' | RUST_LOG=warn "$BIN" user add --email bench@contoh.id --password-stdin --data-dir "$WORK/data" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
cat >"$WORK/signin.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "login=bench%40contoh.id&password=kata-sandi-bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
cores=$(nproc)
wrk -t2 -c"$cores" -d"${DURATION}s" --latency -s "$WORK/signin.lua" "http://127.0.0.1:$PORT/masuk" >"$WORK/wrk.out"
rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.out")
p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.out")
wrk -t2 -c"$cores" -d5s "http://127.0.0.1:$PORT/healthz" >"$WORK/trivial.out"
trivial=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/trivial.out")
sessions=$(python3 - "$WORK/data/satupintu.sqlite3" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sessions").fetchone()[0])
PY
)
printf 'sign-ins: %.1f per second on %d cores = %.1f per core (p99 %s); %s sessions written\n' \
  "$rps" "$cores" "$(awk -v r="$rps" -v c="$cores" 'BEGIN {print r/c}')" "$p99" "$sessions"
printf 'trivial handler in the same server: %.0f req/s\n' "$trivial"

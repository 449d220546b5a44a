#!/usr/bin/env bash
# Nothing acknowledged is lost: submits applications with documents at full speed through
# the portal, kills the server with SIGKILL in the middle, restarts it, and checks that
# every request that got a tracking code back is there with its document.
#
#   bench/crash.sh [DATABASE_URL]     (default: SQLite in a temporary data folder)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
BIN="$CARGO_TARGET_DIR/release/satupintu"
WORK=$(mktemp -d /tmp/satupintu-crash.XXXXXX)
PID=""
trap 'if [[ -n "$PID" ]]; then kill -9 $PID 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
export RUST_LOG=warn
ARGS=(--data-dir "$WORK/data")
[[ $# -ge 1 ]] && ARGS+=(--database-url "$1")
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start() {
  "$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >>"$WORK/server.log" 2>&1 &
  PID=$!
  wait_ready "$BASE" && return
  cat "$WORK/server.log"; exit 1
}
echo 'kata-sandi-crash' | "$BIN" user add --email crash@contoh.id --password-stdin "${ARGS[@]}" >/dev/null
start
cookie=$(session_cookie "$BASE" crash@contoh.id kata-sandi-crash)
files=$("$BIN" form show SKTM "${ARGS[@]}" | grep -c '"kind": "file"')
python3 "$ROOT/bench/crash_client.py" submit "$BASE" "$cookie" 8 "$WORK/acks.json" "$files" &
CLIENT=$!
sleep 4
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
echo "server killed (SIGKILL) mid-run"
sleep 1
start
wait "$CLIENT"
python3 "$ROOT/bench/crash_client.py" check "$BASE" "$cookie" "$WORK/acks.json"

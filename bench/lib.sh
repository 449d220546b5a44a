# Shared by the bench/ scripts (sourced): ports, readiness, a signed-in session, and wrk
# runs printed side by side with the trivial handler.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits until BASE answers /readyz (30 s at most); non-zero if it never does.
wait_ready() {
  for _ in $(seq 1 300); do curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# Signs EMAIL in at BASE with PASSWORD and prints the session cookie (`sp_sesi=…`).
session_cookie() {
  local login=${2/@/%40}
  curl -fsS -o /dev/null -D - -d "login=$login&password=$3" "$1/masuk" \
    | awk -F'[ ;]' 'tolower($1)=="set-cookie:" && $2 ~ /^sp_sesi=/ {print $2}'
}

# wrk_row NAME WRK-ARGS…: runs wrk (CONNS connections, DURATION seconds, output kept in
# WORK/NAME.out) and prints "NAME req/s p99 non-2xx".
wrk_row() {
  local name=$1; shift
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" >"$WORK/$name.out"
  local rps p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.out")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$name.out")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/$name.out")
  echo "$name $rps $p99 ${errors:-0}"
}

# wrk_table ROW…: the rows of wrk_row, the first being the trivial handler, with each
# one's share of it.
wrk_table() {
  local base_rps name rps p99 errors
  base_rps=$(echo "$1" | awk '{print $2}')
  printf '%-34s %10s %10s %8s %10s\n' endpoint req/s p99 non-2xx "vs trivial"
  for line in "$@"; do
    read -r name rps p99 errors <<<"$line"
    printf '%-34s %10.0f %10s %8s %9.0f%%\n' "$name" "$rps" "$p99" "$errors" "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {print 100*a/b}')"
  done
}

# What every server bench starts with: a release build and a fresh folder. Sets BIN, WORK
# (/tmp/satupintu-NAME.*, removed on exit after every process in PIDS is stopped), PIDS,
# PORT and BASE for the server, ARGS naming its data folder, and RUST_LOG=warn.
#   bench_start NAME
bench_start() {
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
  cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
  BIN="$CARGO_TARGET_DIR/release/satupintu"
  WORK=$(mktemp -d "/tmp/satupintu-$1.XXXXXX")
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  export RUST_LOG=warn
  ARGS=(--data-dir "$WORK/data")
}

# Stops the script when wrk is not installed.
need_wrk() {
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
}

# The scene of the delivery scripts: a release build, a demo server in a temporary folder
# with a signed-in resident, KTP-EL in `api` mode delivering to AGENCY_PORT (a stand-in the
# caller starts with `fake_agency.py`), retries from RETRY_MS. Sets BIN, WORK, PIDS (killed
# on exit), PORT, AGENCY_PORT, BASE, ARGS, secret and cookie.
#   agency_scene NAME RETRY_MS
agency_scene() {
  bench_start "$1"
  AGENCY_PORT=$(free_port)
  export SATUPINTU_DELIVERY_RETRY_BASE_MS=$2
  echo 'kata-sandi-uji' | "$BIN" user add --email warga@contoh.id --password-stdin "${ARGS[@]}" >/dev/null
  "$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$BASE"
  secret=$("$BIN" agency endpoint DISDUKCAPIL --url "http://127.0.0.1:$AGENCY_PORT/permohonan" --json "${ARGS[@]}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  printf '{"fields":[{"key":"nama","label":"Nama","kind":"text","required":true}]}' >"$WORK/form.json"
  "$BIN" form set KTP-EL "$WORK/form.json" "${ARGS[@]}" >/dev/null
  cookie=$(session_cookie "$BASE" warga@contoh.id kata-sandi-uji)
}

#!/usr/bin/env bash
# Outbox drain rate: N applications for an `api` service arrive as fast as 8 curl clients send
# them; the time from the first until every one has been delivered (signed, one by one) to
# a stand-in agency system (bench/fake_agency.py) gives deliveries per second.
#
#   bench/drain.sh [N]     (default 2000)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
N=${1:-2000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
BIN="$CARGO_TARGET_DIR/release/satupintu"
WORK=$(mktemp -d /tmp/satupintu-drain.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(free_port); AGENCY_PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
export RUST_LOG=warn SATUPINTU_DELIVERY_RETRY_BASE_MS=500
ARGS=(--data-dir "$WORK/data")
echo 'kata-sandi-uji' | "$BIN" user add --email warga@contoh.id --password-stdin "${ARGS[@]}" >/dev/null
"$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_ready "$BASE"
secret=$("$BIN" agency endpoint DISDUKCAPIL --url "http://127.0.0.1:$AGENCY_PORT/permohonan" --json "${ARGS[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
printf '{"fields":[{"key":"nama","label":"Nama","kind":"text","required":true}]}' >"$WORK/form.json"
"$BIN" form set KTP-EL "$WORK/form.json" "${ARGS[@]}" >/dev/null
cookie=$(session_cookie "$BASE" warga@contoh.id kata-sandi-uji)
python3 "$ROOT/bench/fake_agency.py" "$AGENCY_PORT" "$secret" "$WORK/agency.log" &
PIDS+=($!)
sleep 0.5
start=$(date +%s.%N)
seq 1 "$N" | xargs -P 8 -I{} curl -fsS -o /dev/null -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"service":"KTP-EL","answers":{"nama":"Warga Uji"}}' "$BASE/api/v1/requests"
queued=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from outbox where kind = '"'agency'"'").fetchone()[0])' "$WORK/data/satupintu.sqlite3")
echo "submitted in $(python3 -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$start") s"
for _ in $(seq 1 1200); do
  left=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from outbox where kind = '"'agency'"' and sent_at is null").fetchone()[0])' "$WORK/data/satupintu.sqlite3")
  (( left == 0 )) && break
  sleep 0.25
done
end=$(date +%s.%N)
delivered=$(sort -u "$WORK/agency.log" | wc -l)
python3 -c "import sys; q,d,s,e=map(float,sys.argv[1:]); print(f'drained {int(d)} of {int(q)} in {e-s:.1f} s = {d/(e-s):.0f} deliveries/s (one worker, signed, to a Python stand-in)')" "$queued" "$delivered" "$start" "$end"

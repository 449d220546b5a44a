#!/usr/bin/env bash
# An agency's system goes down while requests arrive: a local stand-in (bench/fake_agency.py)
# receives satupintu's deliveries, is stopped for DOWN seconds (default 120) while
# applications keep coming through the API, then started again. Every acknowledged request
# must reach it exactly once (by idempotency key): none lost, none twice.
#
#   bench/agency_down.sh [DOWN_SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DOWN=${1:-120}
agency_scene agency 1000
agency_up() { python3 "$ROOT/bench/fake_agency.py" "$AGENCY_PORT" "$secret" "$WORK/agency.log" & AGENCY=$!; PIDS+=($AGENCY); }
submit() { # seconds: one application every 20 ms, recording acknowledged codes
  local until=$((SECONDS + $1))
  while (( SECONDS < until )); do
    curl -fsS -H "cookie: $cookie" -H 'content-type: application/json' \
      -d '{"service":"KTP-EL","answers":{"nama":"Warga Uji"}}' "$BASE/api/v1/requests" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["tracking_code"])' >>"$WORK/acked.txt" || true
    sleep 0.02
  done
}
agency_up
submit 10
kill "$AGENCY"; wait "$AGENCY" 2>/dev/null || true
echo "agency down for ${DOWN}s while applications keep coming"
submit "$DOWN"
agency_up
echo "agency up again"
submit 5
acked=$(wc -l <"$WORK/acked.txt")
for _ in $(seq 1 600); do
  delivered=$(cut -d' ' -f2 "$WORK/agency.log" 2>/dev/null | sort -u | wc -l)
  (( delivered >= acked )) && break
  sleep 1
done
python3 - "$WORK/acked.txt" "$WORK/agency.log" <<'PY'
import collections, sys
acked = [l.strip() for l in open(sys.argv[1]) if l.strip()]
received = [l.split()[1] for l in open(sys.argv[2])]
counts = collections.Counter(received)
lost = [c for c in acked if counts[c] == 0]
twice = [c for c, n in counts.items() if n > 1]
print(f"acknowledged {len(acked)}, delivered {len(counts)} distinct; lost {len(lost)}, delivered twice {len(twice)}")
sys.exit(1 if lost or twice else 0)
PY

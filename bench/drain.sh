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
agency_scene drain 500
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

#!/usr/bin/env bash
# Monitoring 1,000 applications at a 60-second interval: a release build serves a generated
# catalog of 1,000 services, each checked (status and a JSON path) against a fast local
# upstream (bench/monitor_upstream.py). After a warm-up, the server process's CPU time is
# read from /proc/PID/stat over MEASURE seconds and printed as a share of one core (target
# under 5 %), with the checks run in that time. Then 90 days of roll-ups are written for
# every check and /admin/pantau (1,000 rows) and /status go under wrk beside /healthz
# (target p99 under 50 ms for the admin page).
#
#   bench/monitoring.sh [MEASURE_SECONDS] [WRK_SECONDS]     (default 180 and 15)
#
# Needs wrk. Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
MEASURE=${1:-180}
DURATION=${2:-15}
CONNS=${CONNS:-16}
APPS=${APPS:-1000}
need_wrk
bench_start monitoring
UPSTREAM=$(free_port)

python3 "$ROOT/bench/monitor_upstream.py" "$UPSTREAM" & PIDS+=($!)
"$BIN" demo generate --services "$APPS" "$WORK/catalog.csv" >/dev/null
"$BIN" import agencies "$ROOT/crates/satupintu/demo/kota-bogor/agencies.csv" "${ARGS[@]}" >/dev/null
"$BIN" import catalog "$WORK/catalog.csv" "${ARGS[@]}" >/dev/null
python3 "$ROOT/bench/monitor_seed.py" checks "$WORK/catalog.csv" "$UPSTREAM" "$WORK/checks.toml"
"$BIN" monitor import "$WORK/checks.toml" "${ARGS[@]}"
echo 'kata-sandi-uji' | "$BIN" user add --email admin@contoh.id --role admin --password-stdin "${ARGS[@]}" >/dev/null

"$BIN" serve --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 & SERVER=$!; PIDS+=($SERVER)
wait_ready "$BASE"
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
results() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from health_results").fetchone()[0])' "$WORK/data/satupintu.sqlite3"; }
echo "warming up 60 s ($APPS checks spread over the minute)…"
sleep 60
c0=$(cpu); r0=$(results); t0=$(date +%s.%N)
sleep "$MEASURE"
c1=$(cpu); r1=$(results); t1=$(date +%s.%N)
python3 - "$c0" "$c1" "$t0" "$t1" "$ticks" "$r0" "$r1" "$APPS" <<'PY'
import sys
c0, c1, t0, t1, hz, r0, r1, apps = map(float, sys.argv[1:])
wall = t1 - t0
share = 100 * (c1 - c0) / hz / wall
print(f"monitoring {int(apps)} apps every 60 s: {int(r1 - r0)} checks in {wall:.0f} s "
      f"({(r1 - r0) / wall:.1f}/s, expected {apps / 60:.1f}/s); server CPU {share:.2f} % of one core (target < 5 %)")
PY
echo "server log warnings and errors:"; grep " WARN \| ERROR " "$WORK/server.log" | cut -c1-200 | sort | uniq -c | head -5 || true

python3 "$ROOT/bench/monitor_seed.py" history "$WORK/data/satupintu.sqlite3"
cookie=$(session_cookie "$BASE" admin@contoh.id kata-sandi-uji)
curl -fsS -H "cookie: $cookie" "$BASE/admin/pantau" -o "$WORK/admin.html"
curl -fsS "$BASE/status" -o "$WORK/status.html"
echo "admin page: $(grep -c '<tr>' "$WORK/admin.html") table rows, $(wc -c <"$WORK/admin.html") bytes;" \
  "status page: $(wc -c <"$WORK/status.html") bytes"
rows=()
rows+=("$(wrk_row trivial_healthz "$BASE/healthz")")
rows+=("$(wrk_row admin_pantau -H "cookie: $cookie" "$BASE/admin/pantau")")
rows+=("$(wrk_row status_page "$BASE/status")")
wrk_table "${rows[@]}"

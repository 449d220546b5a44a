#!/usr/bin/env bash
# Evaluation at the size of a real cycle (issue 7): an SPBE cycle with all 47 levels, 50
# innovations (two KPIs and three measurements each) and 500 evidence items, seeded through
# the portal's forms (bench/eval_seed.py) on a release build with the demo city on SQLite,
# then published. Measures
#   - the PDF report: five downloads by the signed-in admin (median time and size), and
#     `satupintu report evaluation` from the command line next to the running server;
#   - the public dashboard /indeks and the signed-in cycle page with wrk at a modest
#     connection count, side by side with the trivial handler (/healthz).
# Targets: the PDF in under 5 s; the dashboard page with p99 under 50 ms.
#
#   bench/evaluation.sh [SECONDS] [CONNECTIONS]     (default 10 s per endpoint, 8 connections)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib.sh"
DURATION=${1:-10}
CONNS=${2:-8}
SLUG=spbe-uji-beban
PDF_TARGET_S=5
PAGE_TARGET_MS=50
need_wrk
bench_start evaluation
echo 'kata-sandi-bench' | "$BIN" user add --email bench@contoh.id --password-stdin --role admin "${ARGS[@]}" >/dev/null
"$BIN" serve --demo --listen "127.0.0.1:$PORT" "${ARGS[@]}" >"$WORK/server.log" 2>&1 &
PID=$!
PIDS+=("$PID")
wait_ready "$BASE" || { cat "$WORK/server.log" >&2; exit 1; }
cookie=$(session_cookie "$BASE" bench@contoh.id kata-sandi-bench)
python3 "$ROOT/bench/eval_seed.py" "$BASE" "$cookie" "$SLUG"
curl -fsS "$BASE/indeks" | grep -q 'Evaluasi SPBE (uji beban)' || { echo "the cycle is not on /indeks" >&2; exit 1; }

# wrk's latency ("850.00us", "12.34ms", "1.02s") in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else print v * 1000 }'; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
verdict() { # NAME VALUE TARGET UNIT
  if awk -v a="$2" -v b="$3" 'BEGIN {exit !(a < b)}'; then echo "PASS  $1: $2 $4 (target < $3 $4)"; else echo "MISS  $1: $2 $4 (target < $3 $4)"; fi
}

echo
echo "== PDF report (/evaluasi/$SLUG/laporan.pdf, signed in, 5 downloads)"
for i in 1 2 3 4 5; do
  curl -fsS -o "$WORK/laporan.pdf" -w '%{time_total}\n' -H "Cookie: $cookie" "$BASE/evaluasi/$SLUG/laporan.pdf" >>"$WORK/pdf-times"
done
[[ $(head -c 5 "$WORK/laporan.pdf") == "%PDF-" ]] || { echo "not a PDF" >&2; exit 1; }
pdf_s=$(median <"$WORK/pdf-times")
pages=$(command -v pdfinfo >/dev/null && pdfinfo "$WORK/laporan.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}' || echo "?")
echo "times (s): $(tr '\n' ' ' <"$WORK/pdf-times")"
printf 'median %.2f s; %d KB, %s pages\n' "$pdf_s" "$(($(stat -c %s "$WORK/laporan.pdf") / 1024))" "$pages"
start=$(date +%s.%N)
"$BIN" report evaluation "$SLUG" --out "$WORK/cli.pdf" "${ARGS[@]}" >/dev/null
cli_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
printf 'command line (satupintu report evaluation, whole process, server running): %s s; %d KB\n' \
  "$cli_s" "$(($(stat -c %s "$WORK/cli.pdf") / 1024))"

echo
echo "== pages under load (wrk -t2 -c$CONNS -d${DURATION}s)"
# Warm the caches (SQLite pages, allocator) before measuring.
wrk -t2 -c"$CONNS" -d2s "$BASE/indeks" >/dev/null
trivial=$(wrk_row trivial "$BASE/healthz")
dashboard=$(wrk_row dashboard "$BASE/indeks")
cycle=$(wrk_row cycle -H "Cookie: $cookie" "$BASE/evaluasi/$SLUG")
wrk_table "$trivial" "$dashboard" "$cycle"
for row in "$dashboard" "$cycle"; do
  [[ $(awk '{print $4}' <<<"$row") == 0 ]] || { echo "non-2xx answers: $row" >&2; exit 1; }
done
printf 'page sizes: /indeks %d KB, cycle page %d KB\n' \
  "$(($(curl -fsS "$BASE/indeks" | wc -c) / 1024))" "$(($(curl -fsS -H "Cookie: $cookie" "$BASE/evaluasi/$SLUG" | wc -c) / 1024))"

echo
echo "== verdict"
verdict "PDF report, median of 5" "$(printf '%.2f' "$pdf_s")" "$PDF_TARGET_S" s
verdict "dashboard /indeks, p99 at $CONNS connections" "$(to_ms "$(awk '{print $3}' <<<"$dashboard")")" "$PAGE_TARGET_MS" ms
verdict "cycle page, p99 at $CONNS connections" "$(to_ms "$(awk '{print $3}' <<<"$cycle")")" "$PAGE_TARGET_MS" ms
echo "machine: $(nproc) cores; server, wrk and the seeding share them; loopback"

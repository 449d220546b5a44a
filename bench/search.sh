#!/usr/bin/env bash
# Search speed and quality at 10,000 and 100,000 services.
#
# For each size: a synthetic catalog from the demo city's vocabulary (the demo's own 327
# services inside as needles); in-process p50/p99 of one query, index build time and size,
# MRR/nDCG@5/recall@5 over tests/search/queries.jsonl, side by side with SQLite FTS5 bm25;
# then /api/v1/search under wrk at 32 connections (p50, p99, req/s), the server's memory,
# and how long a catalog change takes to reach the next query.
#
#   bench/search.sh [SIZES...]      (default: 10000 100000)
#
# Needs wrk (apt-get install wrk). Loopback only; stops by itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=("${@:-10000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p satupintu --manifest-path "$ROOT/Cargo.toml" >&2
BIN="$CARGO_TARGET_DIR/release"
QUERIES="$ROOT/tests/search/queries.jsonl"
WORK=$(mktemp -d /tmp/satupintu-search-bench.XXXXXX)
PID=""
trap 'if [[ -n "$PID" ]]; then kill $PID 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk script: every request takes the next query of the labelled set.
python3 - "$QUERIES" >"$WORK/queries.lua" <<'PY'
import json, sys, urllib.parse
qs = [json.loads(l)["q"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print("local paths = {")
for q in qs:
    print('  "/api/v1/search?q=' + urllib.parse.quote_plus(q) + '",')
print("}")
print("local i = 0")
print("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end")
PY

for n in "${SIZES[@]}"; do
  echo
  echo "=== $n services ==="
  "$BIN/satupintu" demo generate --services "$n" "$WORK/catalog-$n.csv" >/dev/null
  "$BIN/search-bench" "$WORK/catalog-$n.csv" "$QUERIES" 5

  data="$WORK/data-$n"
  RUST_LOG=warn "$BIN/satupintu" import catalog "$WORK/catalog-$n.csv" --data-dir "$data" >/dev/null
  port=$(free_port)
  RUST_LOG=info "$BIN/satupintu" serve --listen "127.0.0.1:$port" --data-dir "$data" >"$WORK/server-$n.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  build_ms=$(grep -o 'ms=[0-9]*' "$WORK/server-$n.log" | head -1 | cut -d= -f2 || true)
  wrk -t2 -c32 -d3s -s "$WORK/queries.lua" "http://127.0.0.1:$port" >/dev/null
  wrk -t2 -c32 -d15s --latency -s "$WORK/queries.lua" "http://127.0.0.1:$port" >"$WORK/wrk-$n.out"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-$n.out")
  pct() { awk -v p="$1" '$1==p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk-$n.out"; }
  rss=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$PID/status")
  printf 'HTTP /api/v1/search, wrk 32 connections: %.0f req/s, p50 %s ms, p99 %s ms; server RSS %s MB; index built at start in %s ms\n' \
    "$rps" "$(pct 50%)" "$(pct 99%)" "$rss" "$build_ms"

  # Freshness: import one new service from another process and time until a search finds it.
  printf 'kode,nama,kategori,opd_kode,opd_nama,mode_integrasi,status_integrasi\nSEGAR-%s,Layanan Kesegaran Indeks Zebrafish,Sosial,DINSOS,Dinas Sosial,link,terintegrasi\n' "$n" >"$WORK/new.csv"
  RUST_LOG=warn "$BIN/satupintu" import catalog "$WORK/new.csv" --data-dir "$data" >/dev/null
  start=$(date +%s%N)
  until curl -fsS "http://127.0.0.1:$port/api/v1/search?q=zebrafish" | grep -q "SEGAR-$n"; do
    sleep 0.01
    (( $(date +%s%N) - start > 10000000000 )) && { echo "not visible after 10 s" >&2; break; }
  done
  printf 'a catalog change reached search in %d ms (after the import committed)\n' $(( ($(date +%s%N) - start) / 1000000 ))
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

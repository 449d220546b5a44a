#!/usr/bin/env bash
# PDF report render time: the large cycle (47 indicators, 50 innovations with 2 KPIs of 6
# points and 10 evidence items each, 6 metric snapshots) rendered 5 times in release mode;
# prints the median and the PDF's size next to the target.
#
#   bench/report.sh [OUT.pdf]       (OUT.pdf keeps the rendered report)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/satupintu/target}
cargo build --release --locked -p report --example bench_report --manifest-path "$ROOT/Cargo.toml" >&2
out=$(cargo run --release --locked -q -p report --example bench_report --manifest-path "$ROOT/Cargo.toml" -- "$@")
echo "$out"
median=$(awk '/^render_pdf: median/ {print $3}' <<<"$out")
echo "report render: median ${median} s (target < 5 s)"

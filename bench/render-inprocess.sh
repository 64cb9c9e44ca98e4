#!/usr/bin/env bash
# In-process rendering: one district-month (the July 2021 sample) rendered ROUNDS times per text format in one
# process, each render timed alone (`tongbao bench-render`: the data loaded and the bulletin built once, outside
# the clock; load+build timed apart). Goal (issue 15): every text format under 20 ms at p95.
#   bench/render-inprocess.sh [ROUNDS]      (default 200; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
"$bin" demo --out "$work" >/dev/null
"$bin" bench-render --db "$work/tongbao.sqlite" --district yubei --period 2021-07 --rounds "$rounds"

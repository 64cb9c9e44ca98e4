#!/usr/bin/env bash
# Rendering benchmark: the July 2021 sample bulletin in every format, by `tongbao bulletin` (release build), and
# the Word + Excel pair against a python-docx/openpyxl peer writing the same paragraphs and tables, in one run.
#   bench/render.sh [ROUNDS]      (default 20)
# Tongbao's figure per format is a whole process: open the SQLite file, load the 19-month window, build the
# bulletin, render, write. The peer only writes (its input is read before its clock starts), so the comparison
# leans against Tongbao. PDF (Chromium) is listed apart: it is a browser printing, not Tongbao's code.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c "import docx, openpyxl" 2>/dev/null || python3 -m pip install -q python-docx openpyxl
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
"$bin" demo --out "$work" >/dev/null
db="$work/tongbao.sqlite"

# Median wall time of ROUNDS runs of a command, in milliseconds.
median_ms() { python3 bench/median.py "$rounds" "$@"; }
declare -A ms
for f in md html json docx xlsx; do
    ms[$f]=$(median_ms "$bin" bulletin --db "$db" --district yubei --period 2021-07 --format "$f" --out "$work/b.$f")
    printf 'tongbao bulletin --format %-4s %7.1f ms (whole process)\n' "$f" "${ms[$f]}"
done
pdf=$(rounds=3 median_ms "$bin" bulletin --db "$db" --district yubei --period 2021-07 --format pdf --out "$work/b.pdf" 2>/dev/null || echo "n/a")
echo "tongbao bulletin --format pdf  $pdf ms (Chromium printing; median of 3)"
pair=$(python3 -c "print(round(${ms[docx]} + ${ms[xlsx]}, 1))")
peer=$(python3 bench/peer_render.py "$work/b.md" "$work/b.xlsx" "$work" "$rounds")
peer_ms=$(python3 -c "print(round($peer * 1000, 1))")
echo "Word + Excel: tongbao $pair ms (two processes), python-docx + openpyxl peer $peer_ms ms (writing only)"
echo "ratio tongbao/peer: $(python3 -c "print(round($pair / $peer_ms, 2))") (below 1 means Tongbao is faster)"

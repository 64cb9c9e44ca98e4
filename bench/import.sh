#!/usr/bin/env bash
# Import benchmark: `tongbao import` (release build) against a hand-written Python/sqlite3 peer, on the same
# generated package of case records, in the same run. Prints both wall times, the ratio and peak memory.
#   bench/import.sh [ROWS]        (default 300000: one month of one district)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
python3 bench/make_package.py "$work/pkg" "$rows"
echo "package: $rows case records, $(du -h "$work/pkg/case_records.csv" | cut -f1)"

measure() { # name, command…  → prints "name seconds peakKB"
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"
    read -r secs kb <"$work/$name.time"
    echo "$name $secs $kb"
}
t=$(measure tongbao "$bin" import "$work/pkg" --db "$work/tongbao.sqlite")
p=$(measure peer python3 bench/peer_import.py "$work/pkg" "$work/peer.sqlite")
read -r _ ts tk <<<"$t"
read -r _ ps pk <<<"$p"
printf 'tongbao import: %6.2f s, peak %6d MB\n' "$ts" "$((tk / 1024))"
printf 'python peer:    %6.2f s, peak %6d MB\n' "$ps" "$((pk / 1024))"
echo "ratio tongbao/peer: $(python3 -c "print(round($ts / $ps, 2))") (below 1 means Tongbao is faster)"

#!/usr/bin/env bash
# Ingest benchmark: `tongbao ingest` (release build) against DuckDB (from PyPI) on the same generated export of
# case records, in one run. DuckDB loads the file into a database file and computes the same monthly figures,
# keeping each case's latest state as Tongbao does. Prints both times, the ratio and peak memory, then checks
# that every figure Tongbao stored equals DuckDB's, and times ingesting one more day into the year.
#   bench/ingest.sh [ROWS]        (default 10000000: a year of a district about three times the sample's size)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c "import duckdb, chinese_calendar" 2>/dev/null || python3 -m pip install -q duckdb chinesecalendar
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
units=Sources/tongbao/Sample/yubei-2021-07/units.csv
"$bin" gen-cases --rows "$rows" --seed 1 --from 2021-01-01 --days 365 --out "$work/year.csv"
echo "export: $rows case records, $(du -h "$work/year.csv" | cut -f1)"
"$bin" import "$units" --db "$work/tongbao.sqlite" --district bench >/dev/null 2>&1

measure() { # name, command…  → "seconds peakKB"
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
        { cat "$work/$name.err"; exit 1; }
    cat "$work/$name.time"
}
read -r ts tk <<<"$(measure tongbao "$bin" ingest "$work/year.csv" --db "$work/tongbao.sqlite" --district bench)"
read -r ds dk <<<"$(measure duckdb python3 bench/ingest_peer.py load "$work/year.csv" "$work/peer.duckdb")"
read -r ps pk <<<"$(measure plain python3 bench/ingest_peer.py plain "$work/year.csv" "$work/plain.duckdb")"
read -r cs _ <<<"$(measure cat sh -c 'cat "$0" >/dev/null' "$work/year.csv")"
printf 'tongbao ingest:        %6.2f s, peak %5d MB, database %s\n' "$ts" "$((tk / 1024))" "$(du -h "$work/tongbao.sqlite" | cut -f1)"
echo "  tongbao: $(grep 其中 "$work/tongbao.out")"
printf 'duckdb, latest state:  %6.2f s, peak %5d MB, database %s\n' "$ds" "$((dk / 1024))" "$(du -h "$work/peer.duckdb" | cut -f1)"
printf 'duckdb, plain GROUP BY:%6.2f s, peak %5d MB\n' "$ps" "$((pk / 1024))"
printf 'cat of the file:       %6.2f s\n' "$cs"
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "ratio tongbao/duckdb latest state: $(ratio "$ts" "$ds") (goal at most 0.6)"
echo "ratio tongbao/duckdb plain:        $(ratio "$ts" "$ps") (goal at most 1.0)"
echo "ratio tongbao/cat:                 $(ratio "$ts" "$cs")"
echo "peak memory: $((tk / 1024)) MB (goal under 300 MB)"
python3 bench/ingest_peer.py check "$work/peer.duckdb" "$work/tongbao.sqlite" "$units"

# Incremental: one more working day (2022-01-03) into the year, and the same day into an empty database.
day_rows=$((rows / 250))
"$bin" gen-cases --rows "$day_rows" --seed 2 --from 2022-01-03 --days 1 --id-prefix GD --out "$work/day.csv"
"$bin" import "$units" --db "$work/empty.sqlite" --district bench >/dev/null 2>&1
read -r is _ <<<"$(measure day "$bin" ingest "$work/day.csv" --db "$work/tongbao.sqlite" --district bench)"
read -r es _ <<<"$(measure empty "$bin" ingest "$work/day.csv" --db "$work/empty.sqlite" --district bench)"
echo "one more day ($day_rows cases): into the year ${is} s, into an empty database ${es} s"

#!/usr/bin/env bash
# Office files benchmark (issue 11): what reading a 52-unit workbook in the layouts offices make adds to an import.
#   bench/office-files.sh [ROUNDS]      (default 20)
# In one run, with the release binary, each a whole `tongbao validate` process (read, detect the layout, check,
# dry-run the import into a SQLite file holding the sample) of the sample package with its 办件月报 given as:
#   clean CSV       cases.csv as the spec writes it (the baseline)
#   merged xlsx     Tests/Corpus case 05: title, two-row merged header, 序号/备注, 合计 columns
#   subtotals xlsx  case 08: 小计 rows per tier and a 总计 row
#   unit folder     case 17: 52 filled report forms, one workbook per unit
# It prints each median, the added time against the clean CSV beside the goal (< 50 ms), and, as a peer on the
# same file in the same run, openpyxl only loading the merged workbook (no layout, no checks, no store).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c "import openpyxl, xlwt" 2>/dev/null || python3 -m pip install -q openpyxl xlwt
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
python3 Tests/Corpus/office_files.py Sources/tongbao/Sample/yubei-2021-07 "$work/corpus"
db="$work/t.sqlite"
"$bin" import Sources/tongbao/Sample/yubei-2021-07 --db "$db" --district yubei >/dev/null
mkdir "$work/base"
cp Sources/tongbao/Sample/yubei-2021-07/*.csv "$work/base/" && rm "$work/base/cases.csv"

# Median wall time of ROUNDS runs of a command, in milliseconds (one warm-up run first).
median_ms() { python3 bench/median.py "$rounds" --warmup "$@"; }
validate() { median_ms "$bin" validate "$work/base" "$@" --db "$db" --district yubei; }
clean=$(validate Sources/tongbao/Sample/yubei-2021-07/cases.csv)
printf '%-16s %7.1f ms  (baseline)\n' "clean CSV" "$clean"
for pair in "merged xlsx:05-two-row-header.xlsx" "subtotals xlsx:08-subtotals.xlsx" "unit folder:17-per-unit-templates"; do
    name=${pair%%:*}
    t=$(validate "$work/corpus/${pair#*:}")
    printf '%-16s %7.1f ms  adds %6.1f ms  (goal: under 50 ms)\n' "$name" "$t" "$(python3 -c "print($t - $clean)")"
done
peer=$(median_ms python3 -c "import openpyxl, sys; openpyxl.load_workbook(sys.argv[1])" \
    "$work/corpus/05-two-row-header.xlsx")
merged=$(validate "$work/corpus/05-two-row-header.xlsx")
printf 'peer: openpyxl loading the merged workbook %.1f ms; tongbao validating the whole package with it %.1f ms: ratio %.2f\n' \
    "$peer" "$merged" "$(python3 -c "print($merged / $peer)")"

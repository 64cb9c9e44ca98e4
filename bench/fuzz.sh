#!/usr/bin/env bash
# Fuzzes the readers of strangers' bytes with libFuzzer: the CSV package parser, the .xlsx reader, the zip reader
# and the case-export parser (Sources/TongbaoTestSupport/FuzzTargets.swift).
#
#   bench/fuzz.sh [SECONDS] [TARGET ...]     default: 600 seconds each, every target
#
# Builds Fuzz/TongbaoFuzz with -sanitize=fuzzer into .build-fuzz (apart from the normal build), seeds each
# target's corpus from the sample package and Fuzz/regressions, and runs each target for SECONDS with a 4 GB
# memory limit and 10 s per input. A crash leaves its input in .build-fuzz/crashes/TARGET/: copy it into
# Fuzz/regressions/TARGET/ with the fix (FuzzRegressionTests replays that folder).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv xlsx zip cases)

echo "== building the fuzz target (.build-fuzz)"
swift build --build-path .build-fuzz --product tongbao-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library 2>&1 | tail -2
binary=.build-fuzz/debug/tongbao-fuzz

seed() {  # target corpus-dir
    local t=$1 dir=$2
    mkdir -p "$dir"
    cp Fuzz/regressions/"$t"/* "$dir"/ 2>/dev/null || true
    case $t in
        csv) cp Sources/tongbao/Sample/yubei-2021-07/*.csv "$dir"/ ;;
        xlsx) find Tests -name '*.xlsx' -size -200k -exec cp {} "$dir"/ \; 2>/dev/null || true ;;
        zip) (cd Sources/tongbao/Sample && zip -qr "$OLDPWD/$dir/sample.zip" yubei-2021-07) ;;
        cases) swift run -c debug tongbao gen-cases --rows 200 --days 3 --out "$dir/cases.csv" >/dev/null 2>&1 ;;
    esac
}

for t in "${targets[@]}"; do
    corpus=.build-fuzz/corpus/$t
    crashes=.build-fuzz/crashes/$t
    seed "$t" "$corpus"
    mkdir -p "$crashes"
    echo "== $t: ${seconds}s"
    TONGBAO_FUZZ_TARGET=$t "$binary" "$corpus" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 \
        -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)" || true
    found=$(ls "$crashes" | wc -l)
    echo "== $t: $found crashing input(s) in $crashes"
done

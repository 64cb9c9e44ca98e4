#!/usr/bin/env bash
# Month-end load benchmark: 500 reporters of 38 districts save their unit's report through the API against a
# running `tongbao serve` (release build) on loopback, once on SQLite and once on PostgreSQL, in the same run.
# Prints requests per second, p50/p99 latency, and checks that no figure was lost or saved twice and no 5xx came.
#   bench/load.sh [POSTGRES_URL]   (a server URL whose user may CREATE DATABASE; without it, SQLite only)
#   REPORTERS=2000 STORES=postgres bench/load.sh URL   (the issue's 2,000 reporters; each district then gets
#   units of its own beyond the sample's 52, one reporter each; STORES: sqlite, postgres or both)
#   CLIENT=python bench/load.sh …   (the Python client, bench/load.py, instead of the compiled one)
# The client is bench/LoadClient, compiled: it takes half the CPU of the Python client (0.6 s against 1.3 s for
# 2,000 requests), which shares the two cores with the server. Both do the same requests and read-back check, and
# report the server's own CPU time per request over the timed phase (from /proc).
# Setup (bench/load-setup.sh) writes the accounts and API tokens straight into the database.
set -euo pipefail
cd "$(dirname "$0")/.."
pg=${1:-${TONGBAO_BENCH_POSTGRES_URL:-}}
reporters=${REPORTERS:-500}
stores=${STORES:-sqlite postgres}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
client=${CLIENT:-compiled}
if [ "$client" = compiled ]; then
    swift build -c release --package-path bench/LoadClient >/dev/null
    load=("$(swift build -c release --package-path bench/LoadClient --show-bin-path)/loadclient")
else
    load=(python3 bench/load.py)
fi

# setup DB NAME: the 38 districts and the reporters' tokens ($work/tokens-NAME).
source bench/load-setup.sh

run() { # name db
    local name=$1 db=$2 port=$((18000 + RANDOM % 1000))
    setup "$db" "$name"
    # 50 client threads from one address: past the default 32 connections per client (a security limit).
    "$bin" serve --db "$db" --port "$port" --connections-per-client 100 >"$work/$name.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.1; done
    local result status=0
    result=$("${load[@]}" "http://127.0.0.1:$port" "$work/tokens-$name" --server-pid "$pid") || status=$?
    echo "$name ($client client): $result"
    python3 - "$result" "$reporters" <<'PY'
import json, sys
r, reporters = json.loads(sys.argv[1]), int(sys.argv[2])
# The issue's goals: 500 reporters over 1,000 requests/s at p99 under 100 ms; 2,000 (PostgreSQL) p99 under 150 ms.
goal = " (goal > 1000)" if reporters <= 500 else ""
p99 = 100 if reporters <= 500 else 150
cpu = r.get("server_cpu_s")
print(f"  {r['rps']} requests/s{goal}, p99 {r['p99_ms']} ms (goal < {p99} ms), p50 {r['p50_ms']} ms; "
      + (f"server CPU {cpu * 1000 / max(1, r['requests']):.2f} ms per request ({cpu / r['seconds']:.2f} cores); "
         if cpu is not None else "")
      + f"lost {r['lost']}, duplicated {r['duplicated']}, 5xx {r['5xx']}")
PY
    kill "$pid"; wait "$pid" 2>/dev/null || true
    return "$status"
}

failed=0
case " $stores " in *" sqlite "*) run sqlite "$work/load.sqlite" || failed=1 ;; esac
if [ -n "$pg" ] && [[ " $stores " == *" postgres "* ]]; then
    dbname="tongbao_load_$$"
    psql -q "$pg" -c "CREATE DATABASE $dbname"
    run postgres "$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/$dbname').geturl())" "$pg")" || failed=1
    psql -q "$pg" -c "DROP DATABASE $dbname WITH (FORCE)"
fi
exit "$failed"

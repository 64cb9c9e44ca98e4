#!/usr/bin/env bash
# What PostgreSQL alone costs a month-end save on this machine, against Tongbao on the same database in the same
# run: the bound behind the PostgreSQL save goal (docs/scaling.md, "What bounds PostgreSQL here").
#   bench/pg-floor.sh            (as root, or a user who may sudo to `postgres`; Debian's PostgreSQL and pgbench)
#   REPORTERS=500 CLIENTS=50 SECONDS_EACH=20 bench/pg-floor.sh
# 1. A throw-away cluster on loopback, fsync on (as in production), the 38 districts of bench/load.sh.
# 2. Tongbao: bench/LoadClient's month end (each reporter GETs and PUTs their report twice), with the server's
#    and PostgreSQL's CPU per request over the timed phase.
# 3. The statements of one reporter, logged by PostgreSQL with their values, replayed by pgbench with the same
#    50 clients over the 38 districts (bench/pg_floor.py): unnamed, as Tongbao sends them, and prepared once per
#    connection, the least PostgreSQL can do for them. PostgreSQL's CPU per request in each, and the ceiling
#    it leaves: at 1,000 requests/s, PostgreSQL's CPU per request plus Tongbao's own must fit in the two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
reporters=${REPORTERS:-500}
clients=${CLIENTS:-50}
seconds=${SECONDS_EACH:-20}
work=$(mktemp -d)
chmod 755 "$work"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ "$(id -u)" -eq 0 ]; then as_postgres="runuser -u postgres --"; else as_postgres="sudo -u postgres"; fi
port=$((55000 + RANDOM % 1000))
ctl() { $as_postgres "$pgbin/pg_ctl" -D "$work/pg/data" "$@"; }
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    ctl -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

swift build -c release --product tongbao >/dev/null
bin=$(swift build -c release --show-bin-path)/tongbao
swift build -c release --package-path bench/LoadClient >/dev/null
load="$(swift build -c release --package-path bench/LoadClient --show-bin-path)/loadclient"

mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || sudo chown postgres "$work/pg"
$as_postgres "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres >/dev/null
opts="-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c log_line_prefix='@@ %p '"
ctl -l "$work/pg/log" -w -o "$opts" start >/dev/null
admin="postgres://postgres@127.0.0.1:$port/postgres"
psql -q "$admin" -c "CREATE ROLE tongbao LOGIN PASSWORD 'tongbao' CREATEDB" -c "CREATE DATABASE tongbao OWNER tongbao"
db="postgres://tongbao:tongbao@127.0.0.1:$port/tongbao"
pidfile="$work/pg/data/postmaster.pid"

echo "setting up 38 districts and $reporters reporters …" >&2
# setup DB NAME (bench/load-setup.sh): the districts, the reporters' accounts and tokens.
source bench/load-setup.sh
setup "$db" pg
server_port=$((18000 + RANDOM % 1000))
"$bin" serve --db "$db" --port "$server_port" --connections-per-client 100 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$server_port/login" >/dev/null && break; sleep 0.1; done

pg_before=$(python3 bench/pg_floor.py cpu "$pidfile")
tongbao=$("$load" "http://127.0.0.1:$server_port" "$work/tokens-pg" --server-pid "$server" --workers "$clients")
pg_after=$(python3 bench/pg_floor.py cpu "$pidfile")

# One reporter's statements, logged with the values they were sent with.
psql -q "$admin" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
captured=$(python3 bench/pg_floor.py capture "http://127.0.0.1:$server_port" "$work/tokens-pg" "$work/pg/log" \
    "$work/scripts")
psql -q "$admin" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
# KEEP_SCRIPT=FILE keeps the replayed script (and FILE.vars, its values) to read which statements a request sends.
if [ -n "${KEEP_SCRIPT:-}" ]; then cp "$work/scripts/script.sql" "$KEEP_SCRIPT"; cp "$work/scripts/vars.txt" "$KEEP_SCRIPT.vars"; fi
kill "$server"
wait "$server" 2>/dev/null || true

extended=$(python3 bench/pg_floor.py replay "$db" "$work/scripts" --mode extended --clients "$clients" \
    --seconds "$seconds" --postgres-pids "$pidfile")
prepared=$(python3 bench/pg_floor.py replay "$db" "$work/scripts" --mode prepared --clients "$clients" \
    --seconds "$seconds" --postgres-pids "$pidfile")

python3 - "$tongbao" "$pg_before" "$pg_after" "$captured" "$extended" "$prepared" <<'PY'
import json, sys
t, before, after = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
captured, ext, prep = (json.loads(a) for a in sys.argv[4:7])
requests = t["requests"]
server = t["server_cpu_s"] * 1000 / requests
pg = (after - before) * 1000 / requests
print(f"statements per request (logged): {captured['statements_per_request']}")
print(f"{'':34} {'requests/s':>10} {'p99':>9} {'PostgreSQL CPU':>15} {'client CPU':>11}")
print(f"{'Tongbao (API, 50 clients)':34} {t['rps']:>10} {t['p99_ms']:>6} ms {pg:>9.2f} ms/r  server {server:.2f} ms/r")
for name, r in (("pgbench, same statements, unnamed", ext), ("pgbench, same statements, prepared", prep)):
    print(f"{name:34} {r['rps']:>10} {'':>9} {r['postgres_cpu_ms_per_request']:>9.2f} ms/r "
          f"{r['pgbench_cpu_ms_per_request']:>7.2f} ms/r" + (f"  failed {r['failed']}" if r["failed"] else ""))
print(f"ratio Tongbao / pgbench (unnamed), requests/s: {t['rps'] / ext['rps']:.2f}")
# The goal: 1,000 requests/s on two cores. Each request needs PostgreSQL's CPU and Tongbao's own; PostgreSQL's
# least is the cheaper of the two replays.
floor = min(prep["postgres_cpu_ms_per_request"], ext["postgres_cpu_ms_per_request"])
print(f"at 1,000 requests/s: PostgreSQL at least {floor:.2f} cores (replayed), Tongbao's server {server:.2f} cores "
      f"(as measured here) → {floor + server:.2f} of 2 cores, before the load client "
      f"({'cannot fit' if floor + server > 2 else 'fits'})")
PY

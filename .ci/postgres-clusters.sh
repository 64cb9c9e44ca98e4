# Sourced by .ci/run (and usable by hand: `source .ci/postgres-clusters.sh` in a root shell): starts throw-away
# PostgreSQL clusters on 127.0.0.1, run by the non-root user `postgres` (Debian's package creates it), exports
# the URLs and control scripts the tests read, and stops everything when the shell exits.
#   main 54329       the store, golden and web tests (TONGBAO_TEST_POSTGRES_URL)
#   fault 54330      stopped and started by the fault test (…_FAULT_URL, …_FAULT_CTL)
#   primary 54331    with a streaming standby on 54332 (pg_basebackup -R); commits wait until the standby has
#                    applied them (synchronous_commit=remote_apply), so a read on the standby after a save sees it
#                    and a promoted standby has every committed save (…_PRIMARY_URL/_CTL, …_STANDBY_URL/_CTL)
#   pgbouncer 54333  in front of main, transaction pooling (TONGBAO_TEST_PGBOUNCER_URL)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgroot=$(mktemp -d /tmp/tongbao-ci-pg.XXXXXX)
chmod 755 "$pgroot"
sudo=${sudo-}
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -z "$sudo" ]; then as_postgres="runuser -u postgres --"; else as_postgres="sudo -u postgres"; fi
control_script() { # name port [extra server options]
    local dir="$pgroot/$1"
    cat >"$pgroot/$1.ctl" <<CTL
#!/usr/bin/env bash
exec $as_postgres $pgbin/pg_ctl -D $dir/data -l $dir/log -w -o "-p $2 -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 $3" "\$@"
CTL
    chmod +x "$pgroot/$1.ctl"
}
start_cluster() { # name port [extra server options]
    local dir="$pgroot/$1"
    mkdir -p "$dir" && $sudo chown postgres "$dir"
    $as_postgres "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    control_script "$1" "$2" "${3:--c fsync=off}"
    "$pgroot/$1.ctl" start >/dev/null
    "$pgbin/psql" -q -h 127.0.0.1 -p "$2" -U postgres \
        -c "CREATE ROLE tongbao LOGIN PASSWORD 'tongbao' CREATEDB" -c "CREATE DATABASE tongbao OWNER tongbao"
}
stop_clusters() {
    [ -f "$pgroot/pgbouncer.pid" ] && kill "$(cat "$pgroot/pgbouncer.pid")" 2>/dev/null || true
    for ctl in "$pgroot"/*.ctl; do "$ctl" -m immediate stop >/dev/null 2>&1 || true; done
}
trap stop_clusters EXIT
start_cluster main 54329
start_cluster fault 54330
# fsync stays on for the pair: the failover test is about what survives.
start_cluster primary 54331 "-c wal_level=replica -c max_wal_senders=5"
mkdir -p "$pgroot/standby" && $sudo chown postgres "$pgroot/standby"
$as_postgres "$pgbin/pg_basebackup" -h 127.0.0.1 -p 54331 -U postgres -D "$pgroot/standby/data" -R -X stream
control_script standby 54332 "-c hot_standby=on"
"$pgroot/standby.ctl" start >/dev/null
# Synchronous only once the standby is there (a commit before would wait for it for ever).
"$pgbin/psql" -q -h 127.0.0.1 -p 54331 -U postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" \
    -c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" -c "SELECT pg_reload_conf()" >/dev/null
# pgbouncer in transaction pooling in front of main; any database name passes through to main.
cat >"$pgroot/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=54329
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 54333
auth_type = trust
auth_file = $pgroot/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
unix_socket_dir =
pidfile = $pgroot/pgbouncer.pid
logfile = $pgroot/pgbouncer.log
ignore_startup_parameters = extra_float_digits
INI
printf '"tongbao" "tongbao"\n"postgres" ""\n' >"$pgroot/userlist.txt"
chmod 644 "$pgroot/pgbouncer.ini" "$pgroot/userlist.txt"
$sudo chown postgres "$pgroot"
$as_postgres pgbouncer -d "$pgroot/pgbouncer.ini"
export TONGBAO_TEST_POSTGRES_URL="postgres://tongbao:tongbao@127.0.0.1:54329/tongbao"
export TONGBAO_TEST_POSTGRES_FAULT_URL="postgres://tongbao:tongbao@127.0.0.1:54330/tongbao"
export TONGBAO_TEST_POSTGRES_FAULT_CTL="$pgroot/fault.ctl"
export TONGBAO_TEST_POSTGRES_PRIMARY_URL="postgres://tongbao:tongbao@127.0.0.1:54331/tongbao"
export TONGBAO_TEST_POSTGRES_PRIMARY_CTL="$pgroot/primary.ctl"
export TONGBAO_TEST_POSTGRES_STANDBY_URL="postgres://tongbao:tongbao@127.0.0.1:54332/tongbao"
export TONGBAO_TEST_POSTGRES_STANDBY_CTL="$pgroot/standby.ctl"
export TONGBAO_TEST_PGBOUNCER_URL="postgres://tongbao:tongbao@127.0.0.1:54333/tongbao"

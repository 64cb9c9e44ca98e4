#!/usr/bin/env bash
# Runs schemathesis (PyPI) against /api/v1/openapi.json of a served sample district, once with an API token of
# each role (admin, reporter, viewer, city): no 5xx, every response inside the documented schema.
#
#   bench/schemathesis.sh [MAX_EXAMPLES]      default 50 per operation
#
# Uses the built binary (.build/debug/tongbao, or TONGBAO=path) and a throwaway database: the admin's run
# publishes and imports.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-50}
tongbao=${TONGBAO:-.build/debug/tongbao}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/api.sqlite
"$tongbao" import Sources/tongbao/Sample/yubei-2021-07 --db "$db" --district yubei >/dev/null
unit=$(sed -n 2p Sources/tongbao/Sample/yubei-2021-07/units.csv | cut -d, -f1)
"$tongbao" user add admin --role admin --password "$(head -c 12 /dev/urandom | base64)" --db "$db" >/dev/null
"$tongbao" user add reporter --role reporter --unit "$unit" --password "$(head -c 12 /dev/urandom | base64)" --db "$db" >/dev/null
"$tongbao" user add viewer --role viewer --password "$(head -c 12 /dev/urandom | base64)" --db "$db" >/dev/null
"$tongbao" city cq yubei --name 重庆市 --db "$db" >/dev/null
"$tongbao" user add city --role city --district cq --password "$(head -c 12 /dev/urandom | base64)" --db "$db" >/dev/null
port=$((20000 + RANDOM % 20000))
"$tongbao" serve --db "$db" --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.2; done

status=0
for role in viewer reporter city admin; do
    token=$("$tongbao" user token "$role" --db "$db")
    echo "== $role"
    st run "http://127.0.0.1:$port/api/v1/openapi.json" --url "http://127.0.0.1:$port" \
        -H "Authorization: Bearer $token" --checks not_a_server_error,response_schema_conformance,content_type_conformance \
        --max-examples "$examples" --request-timeout 30 --generation-deterministic 2>&1 | tail -25 || status=1
done
exit $status

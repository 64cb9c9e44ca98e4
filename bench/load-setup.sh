# Sourced by bench/load.sh and bench/pg-floor.sh, with $bin (a release tongbao), $work (a scratch folder) and
# $reporters set: `setup DB NAME` imports the sample into 38 districts (d01 … d38, with units of their own when
# there are more reporters than 38 × 52) and makes one reporter account and API token each, the tokens written
# to $work/tokens-NAME as "TOKEN DISTRICT UNIT" lines (reporter r: district r mod 38 + 1, unit r div 38).
# Setup writes the accounts and API tokens straight into the database (sha256 of each token, as the server
# stores them): creating 500 bcrypt passwords through `tongbao user add` would only time bcrypt.
setup() { # db → writes $work/tokens-<name>
    local db=$1 name=$2
    # Units beyond the sample's, when there are more reporters than 38 districts × 52 units.
    python3 - "$reporters" "$work/extra" <<'PY'
import os, sys
n, folder = int(sys.argv[1]), sys.argv[2]
extra = max(0, -(-n // 38) - 52)
os.makedirs(folder, exist_ok=True)
rows = [f"X{i:02d},测试单位{i},town,,,,yes,{900 + i}" for i in range(1, extra + 1)]
open(os.path.join(folder, "units.csv"), "w", encoding="utf-8").write(
    "code,name,tier,window,groups,aliases,ranked,order\n" + "".join(r + "\n" for r in rows))
PY
    for i in $(seq -w 1 38); do
        "$bin" import Sources/tongbao/Sample/yubei-2021-07 --db "$db" --district "d$i" --district-name "测试$i区" >/dev/null
        if [ "$(wc -l <"$work/extra/units.csv")" -gt 1 ]; then
            "$bin" import "$work/extra" --db "$db" --district "d$i" >/dev/null
        fi
    done
    python3 - "$db" "$work/tokens-$name" "$reporters" <<'PY'
import hashlib, os, secrets, subprocess, sys
db, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
units = [l.split(",")[0] for l in open("Sources/tongbao/Sample/yubei-2021-07/units.csv", encoding="utf-8").read().splitlines()[1:]]
units += [f"X{i:02d}" for i in range(1, max(0, -(-n // 38) - len(units)) + 1)]
rows, lines = [], []
# API tokens expire (90 days by default): these are made now and last the run.
import datetime
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for r in range(n):
    d, u = f"d{r % 38 + 1:02d}", units[r // 38]
    token = secrets.token_urlsafe(32)
    name = f"rep{r:03d}"
    rows.append((name, d, u, hashlib.sha256(token.encode()).hexdigest()))
    lines.append(f"{token} {d} {u}")
open(out, "w").write("\n".join(lines) + "\n")
sql = "".join(
    f"INSERT INTO users (name, district, role, unit, password_hash, created_at) VALUES ('{n}', '{d}', 'reporter', '{u}', 'x', '2021-08-31T00:00:00Z');"
    f"INSERT INTO api_tokens (token_hash, user_name, created_at, expires_at) VALUES ('{h}', '{n}', '{now}', '2099-01-01T00:00:00Z');"
    for n, d, u, h in rows)
if db.startswith("postgres"):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", db], input="BEGIN;" + sql + "COMMIT;", text=True, check=True)
else:
    import sqlite3
    c = sqlite3.connect(db); c.executescript("BEGIN;" + sql + "COMMIT;"); c.close()
PY
}

"""DuckDB peer and checker for bench/ingest.sh.

    python3 bench/ingest_peer.py load CSV DUCKDB_FILE
        Loads the export into a DuckDB database file and computes the monthly figures (the peer's timed work),
        keeping each case's latest state as Tongbao does.
    python3 bench/ingest_peer.py plain CSV DUCKDB_FILE
        The same load and figures without the latest-state rule: every row counts (the issue's "plain load and
        GROUP BY"; its figures are not Tongbao's when a case comes in twice).
    python3 bench/ingest_peer.py check DUCKDB_FILE TONGBAO_SQLITE UNITS_CSV
        Compares every figure Tongbao stored (case_totals, case_days, case_scopes) with DuckDB's aggregation of
        the same file: exits 1 and prints the first differences when any figure differs.

Deadlines count in working days (the spec's "Deadlines"): the peer takes its working days from the PyPI package
chinesecalendar, independently of Tongbao's own calendar, as a table joined on the day received.
"""
import csv, datetime, sqlite3, sys, time
import chinese_calendar
import duckdb


def working_days(con):
    """Tables cum(d, n): working days up to and including d; wlist(n, d): the n-th working day."""
    rows, n, d = [], 0, datetime.date(2019, 1, 1)
    while d.year <= 2026:
        work = chinese_calendar.is_workday(d)
        n += 1 if work else 0
        rows.append((d, n, work))
        d += datetime.timedelta(days=1)
    con.execute("CREATE OR REPLACE TABLE cum (d DATE, n INTEGER, work BOOLEAN)")
    con.executemany("INSERT INTO cum VALUES (?, ?, ?)", rows)
    con.execute("CREATE OR REPLACE TABLE wlist AS SELECT n, d FROM cum WHERE work")

AGG = """
CREATE OR REPLACE TABLE figures AS
WITH latest AS (
  SELECT case_id, unit, kind, category, rating, scope, promised_days, coalesce(promised_unit, '工作日') AS pu,
         coalesce(status, '') AS st, CAST(received_at AS DATE) AS rd, CAST(completed_at AS DATE) AS cd
  FROM records QUALIFY row_number() OVER (PARTITION BY case_id
    ORDER BY (completed_at IS NOT NULL OR coalesce(status, '') IN ('不予受理', '退件', '作废')) DESC,
      (rating IS NOT NULL) DESC, completed_at DESC NULLS LAST, received_at DESC) = 1
), v AS (
  -- 作废 counts nowhere.
  SELECT * FROM latest WHERE st <> '作废'
), r AS (
  -- 办结 only; due: the promised_days-th working day after the day received, or the calendar day for 自然日.
  SELECT v.*, CASE WHEN kind = '即办' OR promised_days = 0 THEN rd
                   WHEN pu = '自然日' THEN rd + promised_days ELSE wlist.d END AS due
  FROM v JOIN cum ON cum.d = v.rd LEFT JOIN wlist ON wlist.n = cum.n + v.promised_days
  WHERE st NOT IN ('不予受理', '退件')
)
SELECT strftime(rd, '%Y-%m') AS period, unit, 'recv' AS what, kind AS k, count(*) AS n FROM v GROUP BY ALL
UNION ALL SELECT strftime(coalesce(cd, rd), '%Y-%m'), unit, 'rejected', '', count(*) FROM v WHERE st = '不予受理' GROUP BY ALL
UNION ALL SELECT strftime(coalesce(cd, rd), '%Y-%m'), unit, 'returned', '', count(*) FROM v WHERE st = '退件' GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'done', kind, count(*) FROM r WHERE cd IS NOT NULL GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'category', category, count(*) FROM r WHERE cd IS NOT NULL GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'on_time', '', count(*) FROM r
  WHERE cd IS NOT NULL AND cd <= due GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'rated', '', count(*) FROM r WHERE cd IS NOT NULL AND rating IS NOT NULL GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'satisfied', '', count(*) FROM r
  WHERE cd IS NOT NULL AND rating IN ('非常满意', '满意', '基本满意') GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'days_total', '', sum(cd - rd) FROM r WHERE cd IS NOT NULL GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'days', CAST(cd - rd AS VARCHAR), count(*) FROM r WHERE cd IS NOT NULL GROUP BY ALL
UNION ALL SELECT strftime(cd, '%Y-%m'), unit, 'scope', scope, count(*) FROM r WHERE cd IS NOT NULL AND scope IS NOT NULL GROUP BY ALL
"""

# Every row as it comes: no latest-state window.
AGG_PLAIN = AGG.replace("""FROM records QUALIFY row_number() OVER (PARTITION BY case_id
    ORDER BY (completed_at IS NOT NULL OR coalesce(status, '') IN ('不予受理', '退件', '作废')) DESC,
      (rating IS NOT NULL) DESC, completed_at DESC NULLS LAST, received_at DESC) = 1""", "FROM records")
assert AGG_PLAIN != AGG

def load(path, db, agg=AGG):
    t = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"""CREATE OR REPLACE TABLE records AS SELECT * FROM read_csv('{path}', header = true,
        types = {{'case_id': 'VARCHAR', 'unit': 'VARCHAR', 'item': 'VARCHAR', 'category': 'VARCHAR', 'kind': 'VARCHAR',
                 'received_at': 'TIMESTAMP', 'completed_at': 'TIMESTAMP', 'promised_days': 'INTEGER',
                 'rating': 'VARCHAR', 'scope': 'VARCHAR', 'channel': 'VARCHAR', 'promised_unit': 'VARCHAR',
                 'status': 'VARCHAR'}})""")
    working_days(con)
    con.execute(agg)
    con.close()
    print(f"{time.perf_counter() - t:.2f}")

def check(db, tongbao, units_csv):
    names = {}
    with open(units_csv, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            names[row["name"]] = row["code"]
            names[row["code"]] = row["code"]
    duck = {}
    for period, unit, what, k, n in duckdb.connect(db, read_only=True).execute("SELECT * FROM figures").fetchall():
        key = (period, names[unit], what, k)
        duck[key] = duck.get(key, 0) + int(n)
    t = sqlite3.connect(tongbao)
    ours = {}
    cols = {"recv_immediate": ("recv", "即办"), "recv_promised": ("recv", "承诺"), "done_immediate": ("done", "即办"),
            "done_promised": ("done", "承诺"), "approval": ("category", "审批"), "service": ("category", "服务"),
            "on_time": ("on_time", ""), "rated": ("rated", ""), "satisfied": ("satisfied", ""),
            "days_total": ("days_total", ""), "rejected": ("rejected", ""), "returned": ("returned", "")}
    for row in t.execute("SELECT * FROM case_totals"):
        d = dict(zip([c[0] for c in t.execute("SELECT * FROM case_totals").description], row))
        for col, (what, k) in cols.items():
            if d[col]:
                ours[(d["period"], d["unit"], what, k)] = d[col]
    for period, unit, days, n in t.execute("SELECT period, unit, days, cases FROM case_days"):
        ours[(period, unit, "days", str(days))] = n
    for period, unit, scope, n in t.execute("SELECT period, unit, scope, cases FROM case_scopes"):
        ours[(period, unit, "scope", scope)] = n
    duck = {k: v for k, v in duck.items() if v}
    diff = [(k, duck.get(k), ours.get(k)) for k in sorted(set(duck) | set(ours)) if duck.get(k) != ours.get(k)]
    print(f"figures compared: {len(duck)} from DuckDB, {len(ours)} from Tongbao, {len(diff)} differ")
    for d in diff[:10]:
        print("  differs:", d)
    sys.exit(1 if diff else 0)

if __name__ == "__main__":
    {"load": lambda: load(sys.argv[2], sys.argv[3]), "plain": lambda: load(sys.argv[2], sys.argv[3], AGG_PLAIN), "check": lambda: check(*sys.argv[2:5])}[sys.argv[1]]()

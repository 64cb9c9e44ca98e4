#!/usr/bin/env python3
"""The peer of the import benchmark: what a careful hand-written script would do with the same package, in the
same SQLite. Reads units.csv and case_records.csv, checks every field (unit known, category and kind, date-times,
completed not before received, rating), writes everything in one transaction, then computes the same unit-month
aggregates Tongbao computes for its warnings (received and completed by kind, category, on time, satisfied)."""
import csv, sqlite3, sys, os, datetime

def main(pkg, db):
    con = sqlite3.connect(db)
    con.execute('PRAGMA journal_mode = WAL')
    con.execute('PRAGMA synchronous = NORMAL')
    con.execute('CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT, tier TEXT, aliases TEXT)')
    con.execute('''CREATE TABLE case_records (case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, item TEXT, category TEXT,
        kind TEXT, received_at TEXT, completed_at TEXT, promised_days INTEGER, due_date TEXT, rating TEXT,
        scope TEXT, channel TEXT)''')
    resolve = {}
    with open(os.path.join(pkg, 'units.csv'), encoding='utf-8-sig') as f:
        units = list(csv.DictReader(f))
    for u in units:
        for n in [u['code'], u['name']] + [a for a in u['aliases'].split(';') if a]:
            resolve[n] = u['code']
    ratings = {'', '非常满意', '满意', '基本满意', '不满意', '非常不满意'}
    rows = []
    with open(os.path.join(pkg, 'case_records.csv'), encoding='utf-8-sig') as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            unit = resolve.get(r['unit'])
            if unit is None or r['category'] not in ('审批', '服务') or r['kind'] not in ('即办', '承诺') \
                    or r['rating'] not in ratings:
                sys.exit(f'case_records.csv line {line}: bad value')
            received = datetime.datetime.fromisoformat(r['received_at'])
            completed = datetime.datetime.fromisoformat(r['completed_at']) if r['completed_at'] else None
            if completed and completed < received:
                sys.exit(f'case_records.csv line {line}: completed before received')
            days = int(r['promised_days'] or 0)
            due = (received.date() + datetime.timedelta(days=days if r['kind'] == '承诺' else 0)).isoformat()
            rows.append((r['case_id'], unit, r['item'], r['category'], r['kind'], received.isoformat(),
                         completed.isoformat() if completed else None, days, due, r['rating'] or None,
                         r['scope'] or None, r['channel'] or None))
    with con:
        con.executemany('INSERT INTO units VALUES (?, ?, ?, ?)',
                        [(u['code'], u['name'], u['tier'], u['aliases']) for u in units])
        con.executemany('INSERT INTO case_records VALUES (?,?,?,?,?,?,?,?,?,?,?,?)', rows)
    con.execute('CREATE INDEX c_completed ON case_records (completed_at)')
    recv = con.execute('''SELECT substr(received_at, 1, 7), unit, kind, COUNT(*) FROM case_records
        GROUP BY 1, 2, 3''').fetchall()
    done = con.execute('''SELECT substr(completed_at, 1, 7), unit, kind, category, COUNT(*),
        SUM(substr(completed_at, 1, 10) <= due_date), SUM(rating IS NOT NULL),
        SUM(rating IN ('非常满意', '满意', '基本满意'))
        FROM case_records WHERE completed_at IS NOT NULL GROUP BY 1, 2, 3, 4''').fetchall()
    print(f'peer: {len(rows)} records, {len(recv)} received groups, {len(done)} completed groups')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

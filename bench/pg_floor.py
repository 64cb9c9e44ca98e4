#!/usr/bin/env python3
"""PostgreSQL's own share of a month-end save, replayed by pgbench: called by bench/pg-floor.sh.

  pg_floor.py capture BASE_URL TOKENS_FILE LOG_FILE OUT_DIR [--period YYYY-MM]
      The first reporter (of district d01) does what bench/LoadClient does (GET its report, PUT it, twice)
      against a running `tongbao serve`, while PostgreSQL logs every statement (log_statement = all, set by the
      caller). Those statements, with the values they were sent with, become a pgbench script in OUT_DIR
      (script.sql, and vars.txt: the values as pgbench variables, one per line). The district's code is drawn
      anew for each transaction (d01 … d38), so that the clients spread over the districts as reporters do.
  pg_floor.py replay URL OUT_DIR --mode extended|prepared --clients C --seconds S --postgres-pids FILE
      Runs the script with pgbench (each transaction one reporter's four requests) and prints JSON: requests per
      second and PostgreSQL's CPU per request (summed from /proc over the postmaster named by FILE, its
      postmaster.pid, and its children), and pgbench's own CPU.
  pg_floor.py cpu POSTMASTER_PID_FILE
      PostgreSQL's CPU seconds so far (the postmaster, its children, and those that have exited).

The replay sends exactly the statements and values Tongbao sent, so PostgreSQL parses, plans and executes the
same work; its version checks then match no row (the versions moved on), which makes the replay, if anything,
lighter than the real save. `extended` sends each statement unnamed, as PostgresNIO does; `prepared` prepares
each once per connection, the best PostgreSQL can do for these statements.
"""
import json
import os
import re
import resource
import subprocess
import sys
import time
import urllib.request

PREFIX = "@@ "  # log_line_prefix set by bench/pg-floor.sh: '@@ %p '


def request(base, method, path, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as answer:
        return answer.status, json.loads(answer.read() or b"{}")


def figures(i, rnd):
    base = 9_000_000 + 1000 * i + 10 * rnd
    return {"recv_immediate": str(base + 1), "recv_promised": str(base + 2), "done_immediate": str(base + 1),
            "done_promised": str(base + 2), "ytd_recv": "", "ytd_done": "", "proxy": ""}


def entries(text):
    """The log's entries (a line starting with the prefix, and the lines that continue it)."""
    out = []
    for line in text.split("\n"):
        if line.startswith(PREFIX):
            out.append(line[len(PREFIX):].split(" ", 1)[1] if " " in line[len(PREFIX):] else "")
        elif out:
            out[-1] += "\n" + line
    return out


PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def statements(text):
    """(sql, {n: value or None}) for each statement the log holds, in order."""
    result = []
    for e in entries(text):
        m = re.match(r"LOG:  (?:execute [^:]*|statement): (.*)", e, re.S)
        if m:
            result.append([m.group(1).strip().rstrip(";"), {}])
            continue
        m = re.match(r"DETAIL:  parameters: (.*)", e, re.S)
        if m and result:
            for n, v in PARAM.findall(m.group(1)):
                result[-1][1][int(n)] = None if v == "NULL" else v[1:-1].replace("''", "'")
    return result


def script(stmts, district):
    """pgbench's script and its variables: each value a variable (bound as a parameter, as Tongbao binds it), NULL
    written in place, and the district's code one of d01 … d38, drawn for each transaction."""
    lines, variables = ["\\set n random(1, 38)"], {}
    for s, (sql, params) in enumerate(stmts):
        def bind(m):
            n = int(m.group(1))
            if n not in params:
                raise SystemExit(f"statement {s}: no value logged for ${n}: {sql[:200]}")
            if params[n] is None:
                return "NULL"
            if params[n] == district:
                return "('d' || lpad(:n::text, 2, '0'))"
            name = f"v{s}_{n}"
            variables[name] = params[n]
            return ":" + name
        # pgbench reads ':' followed by a name as a variable: a cast's '::' is left alone by pgbench itself.
        body = re.sub(r"\$(\d+)\b", bind, sql)
        if len(re.findall(r"(?<!:):[A-Za-z_]", body)) > 255:
            raise SystemExit(f"statement {s} has more than pgbench's 255 parameters")
        lines.append(body.replace("\n", " ") + ";")
    return "\n".join(lines) + "\n", variables


def capture(base, tokens, log, out, period):
    os.makedirs(out, exist_ok=True)
    token, district, unit = open(tokens).readline().split()
    start = os.path.getsize(log)
    path = f"/api/v1/reports/{unit}/{period}"
    for rnd in range(2):
        status, body = request(base, "GET", path, token)
        assert status == 200, (status, body)
        status, body = request(base, "PUT", path, token, {"version": body["version"], "cases": figures(0, rnd)})
        assert status == 200, (status, body)
    time.sleep(0.5)  # the last statements are logged
    with open(log, "rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", "replace")
    stmts = statements(text)
    sql, variables = script(stmts, district)
    open(os.path.join(out, "script.sql"), "w").write(sql)
    open(os.path.join(out, "vars.txt"), "w").write("".join(f"{n}={v}\n" for n, v in variables.items()))
    print(json.dumps({"statements": len(stmts), "statements_per_request": round(len(stmts) / 4, 1)}))


def cpu_of(pids):
    total = 0.0
    for pid in pids:
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids(postmaster):
    """The postmaster and its children (backends, WAL writer, checkpointer …)."""
    pids = [postmaster]
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                stat = open(f"/proc/{p}/stat").read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == postmaster:
                pids.append(int(p))
    return pids


def replay(url, out, mode, clients, seconds, postmaster_file):
    postmaster = int(open(postmaster_file).readline())
    args = ["pgbench", "-n", "-M", mode, "-c", str(clients), "-j", "2", "-T", str(seconds)]
    args += ["-f", os.path.join(out, "script.sql")]
    for line in open(os.path.join(out, "vars.txt")).read().splitlines():
        args += ["-D", line]
    args.append(url)
    # Exited backends' time is counted in the postmaster's cutime (field 16/17 via cpu_of), so the sum over the
    # postmaster and its live children before and after covers backends that came and went.
    before = cpu_of(postgres_pids(postmaster))
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    run = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    time.sleep(1)  # pgbench's backends exit and are reaped
    after = cpu_of(postgres_pids(postmaster))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        raise SystemExit(f"pgbench failed ({run.returncode})")
    transactions = int(re.search(r"number of transactions actually processed: (\d+)", run.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", run.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", run.stdout)
    requests = transactions * 4
    print(json.dumps({
        "mode": mode, "clients": clients, "seconds": round(elapsed, 1), "requests": requests,
        "rps": round(requests / elapsed, 1),
        "failed": int(failed.group(1)) if failed else 0,
        "postgres_cpu_ms_per_request": round((after - before) * 1000 / requests, 3),
        "pgbench_cpu_ms_per_request": round(
            ((usage.ru_utime + usage.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)) * 1000 / requests, 3),
        "latency_ms_per_four_requests": float(latency.group(1)) if latency else None,
    }))


def main(argv):
    def option(name, default):
        return argv[argv.index(name) + 1] if name in argv else default
    if argv[1] == "capture":
        capture(argv[2], argv[3], argv[4], argv[5], option("--period", time.strftime("%Y-%m")))
    elif argv[1] == "replay":
        replay(argv[2], argv[3], option("--mode", "extended"), int(option("--clients", "50")),
               int(option("--seconds", "20")), option("--postgres-pids", ""))
    elif argv[1] == "cpu":
        time.sleep(1)
        print(round(cpu_of(postgres_pids(int(open(argv[2]).readline()))), 2))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

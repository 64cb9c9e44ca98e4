#!/usr/bin/env python3
"""Month-end load on a running `tongbao serve`: REPORTERS reporters of DISTRICTS districts each read their unit's
report of PERIOD (default: this month; a reporter may write at most 12 months back) through the API and save it
ROUNDS times (each save names the version it read), from WORKERS client
threads, within a time bound. Then every figure is read back: nothing lost, nothing saved twice, no 5xx.

    load.py BASE_URL TOKENS_FILE [--workers 50] [--rounds 2] [--limit-seconds 300] [--period YYYY-MM]
            [--server-pid PID]   (the server's CPU time over the timed phase is reported, from /proc)

TOKENS_FILE has one line per reporter: token, district, unit."""
import argparse, http.client, json, os, statistics, sys, threading, time, urllib.parse

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base"); ap.add_argument("tokens")
    ap.add_argument("--workers", type=int, default=50); ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--limit-seconds", type=float, default=300)
    ap.add_argument("--period", default=time.strftime("%Y-%m"))
    ap.add_argument("--server-pid", type=int)
    a = ap.parse_args()
    reporters = [line.split() for line in open(a.tokens) if line.strip()]
    url = urllib.parse.urlparse(a.base)
    lock = threading.Lock()
    latencies, statuses, failures = [], {}, []
    deadline = time.monotonic() + a.limit_seconds
    queue = list(enumerate(reporters))

    def call(conn, method, path, token, body=None):
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        t = time.perf_counter()
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = conn.getresponse()
        data = r.read()
        with lock:
            latencies.append(time.perf_counter() - t)
            statuses[r.status] = statuses.get(r.status, 0) + 1
        return r.status, data

    def figures(i, rnd):
        base = 1000 * i + 10 * rnd
        return {"recv_immediate": str(base + 1), "recv_promised": str(base + 2), "done_immediate": str(base + 1),
                "done_promised": str(base + 2), "ytd_recv": "", "ytd_done": "", "proxy": ""}

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if not queue: break
                i, (token, district, unit) = queue.pop()
            path = f"/api/v1/reports/{unit}/{a.period}"
            for rnd in range(a.rounds):
                status, data = call(conn, "GET", path, token)
                if status != 200:
                    failures.append((district, unit, "GET", status, data[:200])); break
                version = json.loads(data)["version"]
                status, data = call(conn, "PUT", path, token, {"version": version, "cases": figures(i, rnd)})
                if status != 200:
                    failures.append((district, unit, "PUT", status, data[:200])); break
        conn.close()

    def cpu(pid):
        if pid is None: return None
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    cpu_before = cpu(a.server_pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(a.workers)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - started
    server_cpu = None if cpu_before is None else round(cpu(a.server_pid) - cpu_before, 2)

    # Read every figure back: the last round's values, at version == rounds (each save counted once).
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    # A save lost shows as other figures; a save applied twice as a version above the number of rounds.
    lost, duplicated, unfinished = 0, 0, len(queue)
    for i, (token, district, unit) in enumerate(reporters):
        conn.request("GET", f"/api/v1/reports/{unit}/{a.period}", headers={"Authorization": "Bearer " + token})
        r = conn.getresponse(); body = json.loads(r.read())
        if r.status != 200:
            failures.append((district, unit, "read back", r.status, json.dumps(body)[:200])); continue
        want = figures(i, a.rounds - 1)
        if any(body["cases"].get(k, "") != v for k, v in want.items()): lost += 1
        if body["version"] > a.rounds: duplicated += 1
    fives = sum(n for s, n in statuses.items() if s >= 500)
    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(json.dumps({
        "reporters": len(reporters), "districts": len({r[1] for r in reporters}), "requests": len(lat),
        "seconds": round(elapsed, 2), "rps": round(len(lat) / elapsed, 1), "p50_ms": round(p(0.50), 1),
        "p99_ms": round(p(0.99), 1), "statuses": statuses, "5xx": fives, "lost": lost, "duplicated": duplicated,
        "unfinished": unfinished, "failures": [list(map(str, f)) for f in failures[:5]],
        "server_cpu_s": server_cpu, "client": "load.py"}))
    return 0 if (fives == 0 and lost == 0 and duplicated == 0 and unfinished == 0 and not failures) else 1

if __name__ == "__main__":
    sys.exit(main())

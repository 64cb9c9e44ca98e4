"""Median wall time of a command over ROUNDS runs, in milliseconds, printed with one decimal.

    python3 bench/median.py ROUNDS [--warmup] COMMAND [ARG ...]

Each run is a whole process; --warmup runs the command once first, uncounted. A failing run stops the script.
"""
import statistics
import subprocess
import sys
import time

rounds, args = int(sys.argv[1]), sys.argv[2:]
if args and args[0] == "--warmup":
    args = args[1:]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(rounds):
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
print(round(statistics.median(times), 1))

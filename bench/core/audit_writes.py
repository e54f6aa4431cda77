"""The audit log's write cost: a loop of audited saves, each its own transaction.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
      .venv/bin/python -m bench.core.audit_writes [--saves 1000] [--threads 4]

Prints the mean and p50 time of one audited save (a calendar override created: its row and
its audit entry commit together), sequentially and from several threads at once, and how long
the sealing job takes to chain the entries written (when the database has it). Asserts
nothing; leaves the rows it made (calendar overrides dated in 2099) and their entries.
"""

import argparse
import os
import statistics
import threading
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402

from safeloop.core.models import CalendarOverride  # noqa: E402


def saves(n: int, offset: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        CalendarOverride.objects.create(
            day=date(2099, 1, 1) + timedelta(days=offset + i), is_workday=True, note="bench"
        )
        times.append(time.perf_counter() - started)
    return times


def threaded(n: int, threads: int) -> float:
    def work(k):
        saves(n // threads, 100_000 * (k + 1))
        connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    ns = parser.parse_args()
    saves(50, 900_000)  # warm up
    times = saves(ns.saves, 0)
    print(
        f"{ns.saves} audited saves: mean {statistics.mean(times) * 1000:.3f} ms, "
        f"p50 {statistics.median(times) * 1000:.3f} ms"
    )
    wall = threaded(ns.saves, ns.threads)
    print(f"{ns.saves} saves from {ns.threads} threads: {wall * 1000 / ns.saves:.3f} ms a save")
    with connection.cursor() as c:
        c.execute("SELECT to_regproc('core_audit_seal') IS NOT NULL")
        if c.fetchone()[0]:
            started = time.perf_counter()
            c.execute("SELECT core_audit_seal(NULL)")
            sealed = c.fetchone()[0]
            took = time.perf_counter() - started
            print(f"sealing {sealed} entries: {took * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""Self-check job timings: a day's task generation (first run, a repeat of the same day, the
next working day) and the missed-task scan. Prints figures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench_selfchecks \
      .venv/bin/python -m bench.selfchecks.run [--day 2026-06-01]

Generate the data first with bench.selfchecks.generate. Each run starts from no tasks.
"""

import argparse
import os
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from safeloop.risks.models import RiskPoint  # noqa: E402
from safeloop.selfchecks import generation  # noqa: E402
from safeloop.selfchecks.choices import RunKind  # noqa: E402
from safeloop.selfchecks.models import SelfCheckTask  # noqa: E402


def timed(label: str, kind: str, day: date) -> None:
    started = time.perf_counter()
    run = generation.run_now(kind, day)
    seconds = time.perf_counter() - started
    print(
        f"{label:<44} {seconds:6.2f} s   looked at {run.total:>8,}   "
        f"{'created' if kind == RunKind.GENERATE else 'missed '} {run.created:>8,}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    # A Monday, first of a month, a working day: every frequency's period starts.
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 6, 1))
    ns = parser.parse_args()
    day = ns.day
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM selfchecks_selfchecktask WHERE NOT EXISTS "
            "(SELECT 1 FROM selfchecks_selfcheckrecord r WHERE r.task_id = "
            "selfchecks_selfchecktask.id)"
        )
        cursor.execute("VACUUM ANALYZE selfchecks_selfchecktask")
    points = RiskPoint.objects.filter(is_deleted=False).count()
    print(f"## Self-check task generation, {points:,} risk points, day {day}")
    timed("first run (every measure's current task)", RunKind.GENERATE, day)
    timed("same day again (idempotent)", RunKind.GENERATE, day)
    timed("next day (daily and shift tasks)", RunKind.GENERATE, day + timedelta(days=1))
    timed("missed scan the day after that", RunKind.MISS, day + timedelta(days=2))
    timed("missed scan again (idempotent)", RunKind.MISS, day + timedelta(days=2))
    print(f"tasks now: {SelfCheckTask.objects.count():,}")


if __name__ == "__main__":
    main()

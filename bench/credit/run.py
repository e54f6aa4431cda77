"""Credit benchmark: the whole set-based pass over every enterprise three times (the first,
which inserts every event; the daily pass, which recomputes every score and reads the
closings recorded since the previous pass; a full re-derivation of every source, as
`credit_recompute --full` runs it), then the incremental path (one enterprise's pass, as a
saved hazard or accident triggers it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_credit_bench \
      .venv/bin/python -m bench.credit.run [--incremental 50]

Prints figures; asserts nothing. Generate the data first with bench.credit.generate.
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeloop.credit import scoring  # noqa: E402
from safeloop.credit.models import CreditEvent, CreditRecord  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incremental", type=int, default=50)
    ns = parser.parse_args()
    today = timezone.localdate()
    print(f"enterprises {Enterprise.objects.count():,}, hazards {Hazard.objects.count():,}")
    passes = (
        ("first pass (every source; inserts every event)", False),
        ("daily pass (every score; closings since the last pass)", False),
        ("full re-derivation (every source again, --full)", True),
    )
    for label, full in passes:
        timings: dict = {}
        started = time.perf_counter()
        with transaction.atomic():
            counts = scoring.run(today, timings=timings, full=full)
        total = time.perf_counter() - started
        steps = ", ".join(f"{k} {v:.1f} s ({counts[k]:,} rows)" for k, v in timings.items())
        print(f"{label}: {total:.1f} s — {steps}")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE credit_creditevent")
            cursor.execute("VACUUM ANALYZE credit_creditrecord")
    print(f"records {CreditRecord.objects.count():,}, events {CreditEvent.objects.count():,}")
    ids = list(Enterprise.objects.values_list("id", flat=True))
    sample = random.Random(1).sample(ids, min(ns.incremental, len(ids)))
    times = []
    for pk in sample:
        started = time.perf_counter()
        with transaction.atomic():
            scoring.run(today, pk)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"incremental (one enterprise) over {len(times)}: median {statistics.median(times):.0f} ms,"
        f" p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, max {times[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()

"""Indicators benchmark: count a large park's indicators for last year as an assessment page
(and approval) does, and evaluate the park assessment warning rule.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.parkrisk.run [--repeat 20]

Run bench.parkrisk.generate first. Prints p50/p95/max in milliseconds and the counts found.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from safeloop.alerts.models import WarningRule  # noqa: E402
from safeloop.alerts.parkrisk_rules import park_assessment  # noqa: E402
from safeloop.orgs.models import Park  # noqa: E402
from safeloop.parkrisk.selectors import indicators  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    park = Park.objects.get(name="基准园区")
    year = timezone.localdate().year - 1
    timings = []
    figures = {}
    for _ in range(args.repeat):
        started = time.perf_counter()
        figures = indicators(park, year)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"indicators of {figures['enterprises']} enterprises, {figures['hazards_found']} hidden "
        f"dangers found: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
        f"max {timings[-1]:.0f} ms"
    )
    print({k: v for k, v in figures.items() if k != "as_of"})
    rule = WarningRule.objects.get(code="park_assessment")
    started = time.perf_counter()
    chosen = park_assessment(timezone.localdate())
    print(
        f"warning candidates built in {(time.perf_counter() - started) * 1000:.0f} ms "
        f"(rule {rule.code}, {len(chosen.params.get('parks', []))} parks late)"
    )


if __name__ == "__main__":
    main()

"""The annual assessment on the ten-million-hazard dataset of the dashboard benchmark.

    createdb -h 127.0.0.1 -U postgres safeloop_targets_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_targets_bench \
      .venv/bin/python -m bench.dashboards.generate        # once: builds the data set
    DATABASE_URL=… .venv/bin/safeloop manage migrate          # the targets tables
    DATABASE_URL=… .venv/bin/python -m bench.targets.run [--runs 5] [--year 2025]

Prints, per run, the time of each figure's statement (every county and park of the city at
once) and of the whole assessment through the service (figures, scoring, results written,
ranking), p50 and max. The assessment computed here stays a draft; rerunning recomputes it.
Asserts nothing.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeloop.core.context import acting_as  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import Region, RegionLevel, RoleAssignment, region_prefix  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402
from safeloop.targets import figures, services  # noqa: E402
from safeloop.targets.models import AssessmentResult  # noqa: E402


def timed(func, *args, **kwargs):
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    ns = parser.parse_args()
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    admin = RoleAssignment.objects.filter(role=Role.CITY_ADMIN).first().user
    prefix = region_prefix(city.code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'hazards_hazard'")
        rows = cursor.fetchone()[0]
    found = Hazard.objects.filter(found_at__year=ns.year).count()
    print(f"hazards: {rows:,} (about); found in {ns.year}: {found:,}", flush=True)
    steps = {
        "accidents": lambda: figures.accidents(prefix, ns.year),
        "hazards": lambda: figures.hazards(prefix, ns.year),
        "inspections": lambda: figures.inspections(prefix, ns.year),
        "selfchecks": lambda: figures.selfchecks(prefix, ns.year),
        "bulletins": lambda: figures.bulletins(prefix, ns.year),
    }
    times: dict[str, list[float]] = {name: [] for name in [*steps, "assessment"]}
    with acting_as(admin):
        for run in range(ns.runs):
            for name, step in steps.items():
                times[name].append(timed(step)[1])
            a, ms = timed(
                services.compute_assessment, actor=admin, region_code=city.code, year=ns.year
            )
            times["assessment"].append(ms)
            print(f"run {run + 1}: assessment {ms:,.0f} ms", flush=True)
    units = AssessmentResult.objects.filter(assessment=a).count()
    print(f"units assessed: {units} (counties and parks of {city.name})")
    for name, values in times.items():
        print(f"{name:12} p50 {statistics.median(values):8,.0f} ms   max {max(values):8,.0f} ms")


if __name__ == "__main__":
    main()

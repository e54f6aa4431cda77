"""Targeting benchmark: generate a quarter's risk-based plan for the whole city (every
enterprise judged by every rule, one set-based statement), then assign its visits.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench_inspections \
      .venv/bin/python -m bench.inspections.run [--repeat 3]

Prints figures; asserts nothing. Generate the data first with bench.inspections.generate.
"""

import argparse
import os
import statistics
import time
from collections import Counter
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from safeloop.core.context import acting_as  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.inspections import services  # noqa: E402
from safeloop.inspections.models import PlanTarget, Visit  # noqa: E402
from safeloop.orgs.models import Region, User  # noqa: E402


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quarter", type=int, default=2, choices=[1, 2, 3, 4])
    ns = parser.parse_args()
    admin = User.objects.get(username="city_admin")
    city = Region.objects.get(code="640100")
    start = date(date.today().year, 3 * ns.quarter - 2, 1)
    end = date(start.year + (ns.quarter == 4), 1 if ns.quarter == 4 else start.month + 3, 1)
    end = end.fromordinal(end.toordinal() - 1)
    in_city = Enterprise.objects.filter(region_code__startswith="6401").count()
    print(f"enterprises in the city: {in_city:,}")
    target_times, assign_times = [], []
    for _ in range(ns.repeat):
        try:
            with acting_as(admin), transaction.atomic():
                plan = services.create_plan(
                    actor=admin,
                    title="基准季度督查",
                    kind="comprehensive",
                    region=city,
                    period_start=start,
                    period_end=end,
                )
                began = time.perf_counter()
                chosen = services.generate_targets(plan=plan, actor=admin)
                target_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                created, unassigned = services.assign(plan=plan, actor=admin)
                assign_times.append(time.perf_counter() - began)
                reasons = Counter(
                    code
                    for codes in PlanTarget.objects.filter(plan=plan).values_list(
                        "reasons", flat=True
                    )
                    for code in codes
                )
                visits = Visit.objects.filter(plan=plan).count()
                raise Rollback
        except Rollback:
            pass
    print(f"quarter {start} – {end}: {chosen:,} enterprises chosen; reasons {dict(reasons)}")
    print(f"visits created: {visits:,} ({unassigned:,} targets without an eligible inspector)")
    print(
        f"generate targets: median {statistics.median(target_times):.2f} s, "
        f"max {max(target_times):.2f} s over {ns.repeat} runs"
    )
    print(
        f"assign visits: median {statistics.median(assign_times):.2f} s, "
        f"max {max(assign_times):.2f} s"
    )


if __name__ == "__main__":
    main()

"""Build the predictive-targeting benchmark: 100,000 enterprises over Yinchuan's counties (the
hazards benchmark's generator) with risk profiles, and 30 months of history with the planted
signal of safeloop.prediction.history (or none, with --no-signal).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_predict_bench \
      nice .venv/bin/python -m bench.prediction.generate --enterprises 100000

Re-running adds nothing once the benchmark enterprises exist.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.hazards.generate import enterprises  # noqa: E402
from bench.inspections.generate import profiles  # noqa: E402
from safeloop.demo.seed import seed_orgs  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.inspections.models import Plan  # noqa: E402
from safeloop.orgs.models import Region, RoleAssignment, User  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402
from safeloop.prediction import history  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=30)
    parser.add_argument("--no-signal", action="store_true")
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed_orgs()
    city = Region.objects.get(code="640100")
    admin, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.CITY_ADMIN, region=city)
    inspector, _ = User.objects.get_or_create(username="bench_inspector")
    RoleAssignment.objects.get_or_create(user=inspector, role=Role.CITY_INSPECTOR, region=city)
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        enterprises(ns.enterprises)
        ids = list(
            Enterprise.objects.filter(uscc__startswith="BENCH")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        profiles(ids[0], len(ids))
        today = timezone.localdate()
        plan = Plan.objects.create(
            title="基准历史检查",
            kind="comprehensive",
            region=city,
            period_start=today.replace(year=today.year - 3),
            period_end=today,
            state="closed",
        )
        counts = history.plant(
            enterprise_ids=ids,
            plan_id=plan.pk,
            inspector_id=inspector.pk,
            end=today,
            months=ns.months,
            signal=not ns.no_signal,
        )
        print(f"enterprises: {len(ids):,}, rows: {counts}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"dataset ready in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

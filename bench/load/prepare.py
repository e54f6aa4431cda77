"""The load test's accounts and work on a generated dataset (bench.dashboards.generate): real
accounts with the demo password, each with one role in the generated organisation, and open
self-check tasks for the enterprises whose staff the load test plays.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_10m \
      .venv/bin/python -m bench.load.prepare

- city inspectors `load_city_1…` (the city), county inspectors `load_county_<code>_<n>`
  (each county), park officers `load_park_<n>` (one per generated park);
- safety managers `load_sm_<n>` of the first generated enterprises (the skewed generator
  gives the low ids the most hidden dangers), each enterprise with its own manager;
- for each of those enterprises, daily control measures on one of its risk points, and
  today's self-check tasks generated from them by the real generation job (pending, to be
  recorded during the run).

Re-running adds what is missing only; tasks recorded by an earlier run are topped up by new
measures, so every run starts with at least `--tasks` pending tasks per enterprise.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.load import accounts as names  # noqa: E402
from safeloop.demo.seed import DEMO_PASSWORD  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.orgs.models import Park, Region, RoleAssignment, User  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402
from safeloop.risks.models import ControlMeasure, RiskPoint  # noqa: E402
from safeloop.selfchecks import generation  # noqa: E402
from safeloop.selfchecks.choices import RunKind, TaskState  # noqa: E402
from safeloop.selfchecks.models import SelfCheckTask  # noqa: E402

assert names.PASSWORD == DEMO_PASSWORD, "bench/load/accounts.py: the demo password changed"
PASSWORD = DEMO_PASSWORD
BENCH_PARKS = "基准园区"  # the generator's parks (bench.dashboards.generate)


def _accounts(rows: list[tuple[str, str, str, dict]], password_hash: str) -> int:
    """(username, full name, role, unit) → accounts with that one role; existing ones kept."""
    have = set(
        User.objects.filter(username__in=[r[0] for r in rows]).values_list("username", flat=True)
    )
    new = [r for r in rows if r[0] not in have]
    users = User.objects.bulk_create(
        [User(username=u, full_name=name, password=password_hash) for u, name, _, _ in new]
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=role, active=True, **unit)
            for user, (_, _, role, unit) in zip(users, new, strict=True)
        ]
    )
    return len(new)


def accounts(*, city: int, per_county: int, managers: int) -> dict[str, int]:
    password_hash = make_password(PASSWORD)  # hashed once: the same password for all
    rows = []
    city_region = Region.objects.get(level="city")
    rows += [
        (f"load_city_{n}", f"市局检查员{n}", Role.CITY_INSPECTOR, {"region": city_region})
        for n in range(1, city + 1)
    ]
    for county in Region.objects.filter(level="county").order_by("code"):
        rows += [
            (
                f"load_county_{county.code}_{n}",
                f"{county.name}检查员{n}",
                Role.COUNTY_INSPECTOR,
                {"region": county},
            )
            for n in range(1, per_county + 1)
        ]
    parks = Park.objects.filter(name__startswith=BENCH_PARKS).order_by("pk")
    rows += [
        (f"load_park_{n}", f"{park.name}安全办", Role.PARK_OFFICER, {"park": park})
        for n, park in enumerate(parks, 1)
    ]
    for n, enterprise in enumerate(bench_enterprises(managers), 1):
        rows.append((f"load_sm_{n}", f"安全员{n}", Role.SAFETY_MANAGER, {"enterprise": enterprise}))
    created = _accounts(rows, password_hash)
    counts = {"city": city, "county": per_county * 6, "park": parks.count(), "sm": managers}
    return {**counts, "created": created}


def bench_enterprises(count: int) -> list[Enterprise]:
    return list(Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk")[:count])


def tasks(managers: int, per_enterprise: int) -> int:
    """At least `per_enterprise` pending self-check tasks today for each load enterprise:
    daily measures are added where fewer are pending, then today's generation job runs."""
    today = timezone.localdate()
    added = 0
    for enterprise in bench_enterprises(managers):
        pending = SelfCheckTask.objects.filter(
            enterprise=enterprise, state=TaskState.PENDING, due_date__gte=today
        ).count()
        if pending >= per_enterprise:
            continue
        point = RiskPoint.objects.filter(enterprise=enterprise, is_deleted=False).first()
        if point is None:
            point = RiskPoint.objects.create(
                enterprise=enterprise, name="负载测试风险点", kind="place", location="车间"
            )
        stamp = int(time.time())
        ControlMeasure.objects.bulk_create(
            ControlMeasure(
                enterprise=enterprise,
                risk_point=point,
                kind="management",
                description=f"负载测试日检措施 {stamp}-{n}",
                control_level="team",
                responsible="班组长",
                inspection_frequency="daily",
            )
            for n in range(per_enterprise - pending)
        )
        added += per_enterprise - pending
    if added:
        run = generation.run_now(RunKind.GENERATE, today)
        print(f"  generation {run.status}: {run.created} tasks created", flush=True)
    return added


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--city", type=int, default=names.CITY, help="city inspectors")
    parser.add_argument("--per-county", type=int, default=names.PER_COUNTY, help="per county")
    parser.add_argument("--managers", type=int, default=names.MANAGERS, help="safety managers")
    parser.add_argument("--tasks", type=int, default=60, help="pending tasks each (60)")
    ns = parser.parse_args()
    started = time.monotonic()
    with transaction.atomic():
        made = accounts(city=ns.city, per_county=ns.per_county, managers=ns.managers)
    print(f"accounts: {made}", flush=True)
    added = tasks(ns.managers, ns.tasks)
    pending = SelfCheckTask.objects.filter(
        enterprise__in=bench_enterprises(ns.managers),
        state=TaskState.PENDING,
        due_date__gte=timezone.localdate(),
    ).count()
    print(
        f"self-check measures added: {added}; pending tasks: {pending}; "
        f"ready in {time.monotonic() - started:.1f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()

"""Build a city-sized dataset for the targeting benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench_inspections \
      .venv/bin/python -m bench.inspections.generate --enterprises 100000 --hazards 1000000

100,000 enterprises over Yinchuan's six county-level units (bench.hazards' generator), each
on a grid cell of its county; risk levels 5 % red, 15 % orange, 30 % yellow, 40 % blue,
10 % not assessed; a safety licence each, 3 % of them expired; hidden dangers over five years
(5 % open, so some overdue), each with its county code; two years of submitted visits to
60 % of the enterprises; one grid inspector per grid cell.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.hazards.generate import enterprises  # noqa: E402
from bench.sqlgen import analyse, insert_series  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.enterprises.models import Enterprise, Licence  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.inspections.models import Plan, Visit  # noqa: E402
from safeloop.orgs.models import GridCell, RoleAssignment, User  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402
from safeloop.risks.models import EnterpriseRiskProfile  # noqa: E402


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def grids_and_inspectors() -> None:
    """Every bench enterprise on one of its county's grid cells; one inspector per cell."""
    sql("""
        UPDATE enterprises_enterprise e SET grid_id = g.id
        FROM (SELECT id, region_code,
                     row_number() OVER (PARTITION BY region_code ORDER BY id) - 1 AS k,
                     count(*) OVER (PARTITION BY region_code) AS n
              FROM orgs_gridcell WHERE park_id IS NULL) g
        WHERE e.uscc LIKE 'BENCH%' AND g.region_code = e.region_code AND g.k = e.id % g.n""")
    for grid in GridCell.objects.filter(park__isnull=True):
        user, _ = User.objects.get_or_create(username=f"bench_grid_{grid.code}")
        RoleAssignment.objects.get_or_create(user=user, role=Role.GRID_INSPECTOR, grid=grid)


def profiles(first: int, count: int) -> None:
    # the profile's primary key is the enterprise, so insert_series (which skips the key)
    # does not fit
    sql(f"""
        INSERT INTO risks_enterpriseriskprofile
            (enterprise_id, level, red, orange, yellow, blue, unassessed, major_hazard,
             updated_at)
        SELECT g, CASE WHEN g % 20 = 0 THEN 'red' WHEN g % 20 < 4 THEN 'orange'
                       WHEN g % 20 < 10 THEN 'yellow' WHEN g % 20 < 18 THEN 'blue'
                       ELSE '' END,
               0, 0, 0, 0, 0, false, now()
        FROM generate_series({first}, {first + count - 1}) AS g""")
    analyse(EnterpriseRiskProfile)


def licences(first: int, count: int) -> None:
    insert_series(
        Licence,
        first,
        first + count - 1,
        {
            "enterprise_id": "g",
            "kind": "'safety_production'",
            "number": "'BENCH-' || g",
            "authority": "'宁夏回族自治区应急管理厅'",
            "valid_from": "current_date - 1000",
            "valid_to": "CASE WHEN g % 33 = 0 THEN current_date - 30 ELSE current_date + 500 END",
            "status": "'valid'",
        },
    )


def hazards(first: int, enterprise_count: int, count: int) -> None:
    open_from = int(count * 0.95)
    insert_series(
        Hazard,
        1,
        count,
        {
            "enterprise_id": f"{first} + (g::bigint * 7919) % {enterprise_count}",
            "region_code": (
                "(SELECT region_code FROM enterprises_enterprise WHERE id = "
                f"{first} + (g::bigint * 7919) % {enterprise_count})"
            ),
            "found_at": f"now() - (interval '1825 days') * (1 - g::float / {count})",
            "state": f"CASE WHEN g > {open_from} THEN 'rectifying' WHEN g % 50 = 0 "
            "THEN 'voided' ELSE 'closed' END",
            "level": "CASE WHEN g % 33 = 0 THEN 'major' ELSE 'general' END",
            "source": "(1 + g % 10)::text",
            "category": "(1 + g % 8)::text",
            "place": "'车间' || (g % 40)",
            "description": "'基准隐患 ' || g",
            "deadline": f"(now() - (interval '1825 days') * (1 - g::float / {count}))::date "
            "+ (7 + g % 84)",
            "version": "1",
            "created_at": "now()",
        },
    )


def visits(first: int, count: int) -> None:
    inspector = User.objects.filter(username__startswith="bench_grid_").first()
    plan, _ = Plan.objects.get_or_create(
        title="基准历史检查",
        defaults={
            "kind": "comprehensive",
            "region_id": inspector.role_assignments.first().grid.region.parent_id,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "state": "closed",
        },
    )
    # two visits each for 60 % of the enterprises, over the last two years
    insert_series(
        Visit,
        1,
        int(count * 1.2),
        {
            "plan_id": str(plan.pk),
            "enterprise_id": f"{first} + (g::bigint * 104729) % {count}",
            "region_code": "(SELECT region_code FROM enterprises_enterprise WHERE id = "
            f"{first} + (g::bigint * 104729) % {count})",
            "inspector_id": str(inspector.pk),
            "scheduled_on": "current_date - (g % 730)",
            "state": "'submitted'",
            "submitted_at": "now() - (g % 730) * interval '1 day'",
            "version": "1",
        },
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=1_000_000)
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed()
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        enterprises(ns.enterprises)
        first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
        grids_and_inspectors()
        profiles(first, ns.enterprises)
        licences(first, ns.enterprises)
        hazards(first, ns.enterprises, ns.hazards)
        visits(first, ns.enterprises)
        print(f"enterprises: {ns.enterprises:,}, hazards: {ns.hazards:,}")
    sql("VACUUM ANALYZE")
    print(f"dataset ready in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

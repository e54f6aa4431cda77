"""Build a province-sized hidden-danger dataset for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench \
      .venv/bin/python -m bench.hazards.generate --enterprises 100000 --hazards 10000000

Seven county-level units, 100,000 enterprises, and hazards found over five years: 95 % closed
or voided, 5 % open (pending, rectifying, awaiting acceptance), deadlines 7–90 days after
finding, 3 % major. Open hazards are escalated as the daily job would have left them
yesterday, so a benchmark run sees one day's worth of new work.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.sqlgen import insert_series  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import Region  # noqa: E402

CHUNK = 1_000_000


def enterprises(count: int) -> None:
    counties = list(
        Region.objects.filter(level="county").order_by("code").values_list("id", "code")
    )
    ids = "ARRAY[" + ",".join(str(i) for i, _ in counties) + "]"
    codes = "ARRAY[" + ",".join(f"'{c}'" for _, c in counties) + "]"
    n = len(counties)
    insert_series(
        Enterprise,
        1,
        count,
        {
            "name": "'基准企业' || g",
            "uscc": "'BENCH' || lpad(g::text, 13, '0')",
            "region_id": f"({ids})[1 + g % {n}]",
            "region_code": f"({codes})[1 + g % {n}]",
            "sector": "(ARRAY['metallurgy','nonferrous','building_materials','machinery',"
            "'light_industry','textiles','other'])[1 + g % 7]",
            "status": "'operating'",
            "scale": "'small'",
            "version": "1",
        },
    )


def hazards(count: int, enterprise_count: int) -> None:
    first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
    # found_at spreads over five years; the last 5 % of ids (the newest) stay open.
    open_from = int(count * 0.95)
    enterprise = f"{first} + (g::bigint * 7919) % {enterprise_count}"
    values = {
        "enterprise_id": enterprise,
        # the hazard carries its enterprise's county, as registration copies it
        "region_code": f"(SELECT region_code FROM enterprises_enterprise WHERE id = {enterprise})",
        "found_at": f"now() - (interval '1825 days') * (1 - g::float / {count})",
        "state": f"CASE WHEN g > {open_from} THEN (ARRAY['pending','rectifying','rectifying',"
        f"'rectifying','awaiting'])[1 + g % 5] WHEN g % 50 = 0 THEN 'voided' "
        f"ELSE 'closed' END",
        "level": "CASE WHEN g % 33 = 0 THEN 'major' ELSE 'general' END",
        "source": "(1 + g % 10)::text",
        "category": "(1 + g % 8)::text",
        "place": "'车间' || (g % 40)",
        "description": "'基准隐患描述 ' || g",
        "deadline": f"(now() - (interval '1825 days') * (1 - g::float / {count}))::date "
        f"+ (7 + g % 84)",
        "version": "1",
        "created_at": f"now() - (interval '1825 days') * (1 - g::float / {count})",
    }
    done = 0
    while done < count:
        stop = min(done + CHUNK, count)
        started = time.monotonic()
        insert_series(Hazard, done + 1, stop, values)
        done = stop
        print(
            f"  hazards {done:>11,} ({time.monotonic() - started:.1f} s for the chunk)", flush=True
        )
    with connection.cursor() as cursor:
        # Statistics first: without them the planner joins the open rows to a million rows
        # by nested loops (seen: ten minutes instead of seconds on a fresh database).
        cursor.execute("ANALYZE hazards_hazard")
        # As yesterday's daily scan left them: every step already due by yesterday notified.
        cursor.execute("""
            UPDATE hazards_hazard SET escalation_step = s.step,
              escalation_due = deadline + (ARRAY[1, 3, 7, 15])[s.step + 1]
            FROM (SELECT id,
                    (CASE WHEN current_date - 1 - deadline >= 1 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 3 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 7 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 15 THEN 1 ELSE 0 END) AS step
                  FROM hazards_hazard
                  WHERE state IN ('pending', 'rectifying', 'awaiting')) s
            WHERE s.id = hazards_hazard.id""")
        cursor.execute("VACUUM ANALYZE hazards_hazard")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=10_000_000)
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed()
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        enterprises(ns.enterprises)
        print(f"enterprises: {ns.enterprises:,}")
    existing = Hazard.objects.count()
    if existing < ns.hazards:
        hazards(ns.hazards, ns.enterprises)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"dataset ready in {time.monotonic() - started:.0f} s: {Hazard.objects.count():,} hazards"
    )


if __name__ == "__main__":
    main()

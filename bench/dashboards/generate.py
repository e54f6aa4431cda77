"""Build a province-sized dataset for the dashboard benchmark, set-based (INSERT … SELECT over
generate_series: PostgreSQL writes the rows itself).

    createdb -h 127.0.0.1 -U postgres safeloop_bench10m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench10m \
      .venv/bin/python -m bench.dashboards.generate

Defaults: 100,000 enterprises in the six demo counties (40 % in 24 parks, every one in one of
600 grid cells), 1,000,000 risk points (skewed: a few enterprises have many), and 10,000,000
hidden dangers found evenly over five years. The mix follows the loop's life cycle: a hazard
found this week is open 80 % of the time, one found a month ago 12 %, one older than a year
0.1 % (the long overdue tail); 2 % are voided, 1 % are major; general deadlines are 7–90 days
after finding, major ones 30–180; about 11 % of closed hazards were accepted after their
deadline. Random draws are `hashint8extended(g, salt)`, so a rerun builds the same data.
Run it on an empty database: ids are assumed contiguous.
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
from safeloop.alerts import keyunits  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import GridCell, Park, Region  # noqa: E402
from safeloop.risks.models import RiskPoint  # noqa: E402

CHUNK = 1_000_000
PARKS_PER_COUNTY = 4
PARK_CELLS = 5  # grid cells per bench park
OPEN_CELLS = 80  # grid cells per county outside the parks
CENTRES = {
    "640104": (38.47, 106.29),
    "640105": (38.49, 106.13),
    "640106": (38.47, 106.24),
    "640121": (38.28, 106.25),
    "640122": (38.55, 106.35),
    "640181": (38.10, 106.34),
}


def rnd(salt: int, var: str = "g") -> str:
    """A uniform draw in [0, 1) for row `var`, fixed by `salt`."""
    return f"((hashint8extended({var}::bigint, {salt}) & 2147483647) / 2147483648.0)"


def array(values) -> str:
    return "ARRAY[" + ",".join(str(v) for v in values) + "]"


def orgs() -> list[Region]:
    counties = list(Region.objects.filter(level="county").order_by("code"))
    for k, county in enumerate(counties):
        for j in range(PARKS_PER_COUNTY):
            park, _ = Park.objects.get_or_create(
                name=f"基准园区{k + 1}-{j + 1}", defaults={"region": county}
            )
            for c in range(PARK_CELLS):
                GridCell.objects.get_or_create(
                    code=f"B{county.code}-P{j + 1}-{c + 1}",
                    defaults={
                        "name": f"基准园区网格{k + 1}-{j + 1}-{c + 1}",
                        "region": county,
                        "park": park,
                    },
                )
        for c in range(OPEN_CELLS):
            GridCell.objects.get_or_create(
                code=f"B{county.code}-G{c + 1:03d}",
                defaults={"name": f"基准网格{k + 1}-{c + 1}", "region": county},
            )
    return counties


def enterprises(count: int, counties: list[Region]) -> None:
    n = len(counties)
    parks, park_cells, open_cells = [], [], []
    for county in counties:
        county_parks = list(
            Park.objects.filter(region=county, name__startswith="基准园区").order_by("name")
        )
        parks += [p.pk for p in county_parks]
        for park in county_parks:
            park_cells += list(
                GridCell.objects.filter(park=park).order_by("code").values_list("pk", flat=True)
            )
        open_cells += list(
            GridCell.objects.filter(region=county, code__startswith="B", park=None)
            .order_by("code")
            .values_list("pk", flat=True)
        )
    county = f"(g % {n})"
    park_slot = f"({county} * {PARKS_PER_COUNTY} + (g / {n}) % {PARKS_PER_COUNTY})"
    in_park = "(g % 10 < 4)"
    lat = array(CENTRES[c.code][0] for c in counties)
    lng = array(CENTRES[c.code][1] for c in counties)
    insert_series(
        Enterprise,
        1,
        count,
        {
            "name": "'基准企业' || g",
            "uscc": "'BENCH' || lpad(g::text, 13, '0')",
            "region_id": f"({array(c.pk for c in counties)})[1 + {county}]",
            "region_code": f"({array(repr(c.code) for c in counties)})[1 + {county}]",
            "park_id": f"CASE WHEN {in_park} THEN ({array(parks)})[1 + {park_slot}] END",
            "grid_id": f"CASE WHEN {in_park} THEN ({array(park_cells)})"
            f"[1 + {park_slot} * {PARK_CELLS} + (g / 60) % {PARK_CELLS}] "
            f"ELSE ({array(open_cells)})[1 + {county} * {OPEN_CELLS} + (g / 7) % {OPEN_CELLS}] END",
            "sector": "(ARRAY['metallurgy','nonferrous','building_materials','machinery',"
            "'light_industry','textiles','other'])[1 + (g / 3) % 7]",
            "status": "'operating'",
            "scale": "(ARRAY['large','medium','small','small','micro'])[1 + (g / 5) % 5]",
            "latitude": f"round(({lat})[1 + {county}] + ({rnd(11)} - 0.5) * 0.2, 6)",
            "longitude": f"round(({lng})[1 + {county}] + ({rnd(12)} - 0.5) * 0.2, 6)",
            "pinyin_initials": "'jzqy'",
            "version": "1",
        },
    )


def risk_points(count: int, enterprise_count: int) -> None:
    first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
    r = rnd(21)
    values = {
        # Skewed: power 1.7 of a uniform draw, so low ids hold more points.
        "enterprise_id": f"{first} + floor({enterprise_count} * power({rnd(20)}, 1.7))::int",
        "name": "'基准风险点' || g",
        "kind": "(ARRAY['equipment','operation','place'])[1 + g % 3]",
        "location": "'车间' || (g % 40)",
        "level": f"CASE WHEN {r} < 0.003 THEN 'red' WHEN {r} < 0.033 THEN 'orange' "
        f"WHEN {r} < 0.28 THEN 'yellow' WHEN {r} < 0.95 THEN 'blue' ELSE '' END",
    }
    done = 0
    while done < count:
        stop = min(done + CHUNK, count)
        insert_series(RiskPoint, done + 1, stop, values)
        done = stop
        print(f"  risk points {done:>11,}", flush=True)
    with connection.cursor() as cursor:  # the roll-up the risk services keep per enterprise
        cursor.execute("""
            INSERT INTO risks_enterpriseriskprofile
              (enterprise_id, level, red, orange, yellow, blue, unassessed, major_hazard,
               updated_at)
            SELECT enterprise_id,
              CASE WHEN count(*) FILTER (WHERE level = 'red') > 0 THEN 'red'
                   WHEN count(*) FILTER (WHERE level = 'orange') > 0 THEN 'orange'
                   WHEN count(*) FILTER (WHERE level = 'yellow') > 0 THEN 'yellow'
                   WHEN count(*) FILTER (WHERE level = 'blue') > 0 THEN 'blue' ELSE '' END,
              count(*) FILTER (WHERE level = 'red'), count(*) FILTER (WHERE level = 'orange'),
              count(*) FILTER (WHERE level = 'yellow'), count(*) FILTER (WHERE level = 'blue'),
              count(*) FILTER (WHERE level = ''), enterprise_id % 50 = 0, now()
            FROM risks_riskpoint WHERE NOT is_deleted GROUP BY enterprise_id
            ON CONFLICT (enterprise_id) DO NOTHING""")
        cursor.execute("ANALYZE risks_enterpriseriskprofile")


def hazards(count: int, enterprise_count: int, counties: list[Region]) -> None:
    first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
    n = len(counties)
    age = f"(1825.0 * (1 - g::float / {count}))"  # days since found; ids follow time
    found = f"(now() - {age} * interval '1 day')"
    eidx = f"floor({enterprise_count} * power({rnd(30)}, 1.3))::int"
    open_p = (
        f"(CASE WHEN {age} < 7 THEN 0.8 WHEN {age} < 30 THEN 0.4 WHEN {age} < 90 THEN 0.12 "
        f"WHEN {age} < 365 THEN 0.01 ELSE 0.001 END)"
    )
    major = f"({rnd(33)} < 0.01)"
    term = (
        f"(CASE WHEN {major} THEN 30 + floor({rnd(34)} * 150) ELSE 7 + floor({rnd(34)} * 84) END)"
    )
    state = (
        f"(CASE WHEN {rnd(31)} < 0.02 THEN 'voided' WHEN {rnd(32)} < {open_p} THEN "
        f"(CASE WHEN {rnd(35)} < 0.1 THEN 'pending' WHEN {rnd(35)} < 0.85 THEN 'rectifying' "
        f"ELSE 'awaiting' END) ELSE 'closed' END)"
    )
    took = f"LEAST({age} - 0.01, {term} * (0.2 + 0.9 * {rnd(36)}))"  # days to acceptance
    values = {
        "enterprise_id": f"{first} + {eidx}",
        "region_code": f"({array(repr(c.code) for c in counties)})[1 + ({eidx} + 1) % {n}]",
        "found_at": found,
        "created_at": found,
        "state": state,
        "level": f"CASE WHEN {major} THEN 'major' ELSE 'general' END",
        "source": f"(ARRAY['1','2','3','4','5','6','7','8','9','10','enforcement'])"
        f"[1 + floor({rnd(37)} * 11)::int]",
        "category": f"(1 + floor({rnd(38)} * 8))::text",
        "found_by_regulator": f"{rnd(39)} < 0.3",
        "place": "'车间' || (g % 40)",
        "description": "'基准隐患描述 ' || g",
        "deadline": f"{found}::date + {term}::int",
        "submitted_at": f"CASE WHEN {state} IN ('closed', 'awaiting') "
        f"THEN {found} + {took} * interval '1 day' END",
        "accepted_at": f"CASE WHEN {state} = 'closed' THEN {found} + {took} * interval '1 day' END",
        "version": "1",
    }
    done = 0
    while done < count:
        stop = min(done + CHUNK, count)
        started = time.monotonic()
        insert_series(Hazard, done + 1, stop, values)
        done = stop
        print(f"  hazards {done:>11,} ({time.monotonic() - started:.1f} s)", flush=True)
    with connection.cursor() as cursor:
        # As yesterday's daily scan left them: every step already due by yesterday notified.
        cursor.execute("""
            UPDATE hazards_hazard SET escalation_step = s.step,
              escalation_due = deadline + (ARRAY[1, 3, 7, 15, NULL])[s.step + 1]
            FROM (SELECT id,
                    (CASE WHEN current_date - 1 - deadline >= 1 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 3 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 7 THEN 1 ELSE 0 END)
                  + (CASE WHEN current_date - 1 - deadline >= 15 THEN 1 ELSE 0 END) AS step
                  FROM hazards_hazard
                  WHERE state IN ('pending', 'rectifying', 'awaiting')) s
            WHERE s.id = hazards_hazard.id""")


def analyse() -> None:
    """Statistics after each bulk load, so the summary triggers of the next load are planned
    on the real row counts, not on an empty or never-analysed table."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--risk-points", type=int, default=1_000_000)
    parser.add_argument("--hazards", type=int, default=10_000_000)
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed()
    counties = orgs()
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        enterprises(ns.enterprises, counties)
        print(f"enterprises: {ns.enterprises:,}", flush=True)
    analyse()
    if RiskPoint.objects.count() < ns.risk_points:
        risk_points(ns.risk_points, ns.enterprises)
    analyse()
    if Hazard.objects.count() < ns.hazards:
        hazards(ns.hazards, ns.enterprises, counties)
    analyse()
    refreshed = keyunits.refresh()  # the hourly job's refresh: the rows above bypass signals
    print(f"key units: {refreshed['listed']:,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"dataset ready in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()

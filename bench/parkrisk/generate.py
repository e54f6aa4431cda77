"""Build a large park for the indicators benchmark: one park (基准园区) of N enterprises with
their risk profiles, one identified major hazard installation per ten enterprises, H hidden
dangers and one accident per fifty enterprises, spread over last year and this one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.parkrisk.generate --enterprises 5000 --hazards 200000

Earlier bench rows are removed first, so a rerun starts clean.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.sqlgen import analyse, insert_series  # noqa: E402
from safeloop.accidents.models import Accident  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import Park, Region  # noqa: E402
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit  # noqa: E402

PARK = "基准园区"
# Spread over last year and this one.
WHEN = "date_trunc('year', now()) - interval '1 year' + (g % 700) * interval '1 day'"


def clean() -> None:
    with connection.cursor() as cursor:
        bench = "SELECT id FROM enterprises_enterprise WHERE uscc LIKE 'PBENCH%%'"
        for table in (
            "alerts_earlywarning",
            "hazards_hazard",
            "accidents_accident",
            "risks_hazardunit",
            "risks_enterpriseriskprofile",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE enterprise_id IN ({bench})")  # noqa: S608
        cursor.execute("DELETE FROM enterprises_enterprise WHERE uscc LIKE 'PBENCH%%'")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--hazards", type=int, default=200_000)
    args = parser.parse_args()
    started = time.perf_counter()
    clean()
    seed()
    county = Region.objects.get(code="640104")
    park, _ = Park.objects.get_or_create(name=PARK, defaults={"region": county})
    n = args.enterprises
    insert_series(
        Enterprise,
        1,
        n,
        {
            "name": "'基准园区企业' || g",
            "uscc": "'PBENCH' || lpad(g::text, 12, '0')",
            "region_id": str(county.pk),
            "region_code": "'640104'",
            "park_id": str(park.pk),
            "sector": "'other'",
            "status": "CASE WHEN g % 20 = 0 THEN 'closed' ELSE 'operating' END",
            "scale": "'small'",
            "version": "1",
        },
    )
    first = Enterprise.all_objects.filter(uscc__startswith="PBENCH").order_by("pk").first()
    base = first.pk - 1  # the series' ids are consecutive
    colours = "(ARRAY['red','orange','yellow','blue',''])[1 + g % 5]"
    with connection.cursor() as cursor:  # the profile's key is the enterprise
        cursor.execute(
            "INSERT INTO risks_enterpriseriskprofile (enterprise_id, level, red, orange, yellow,"
            " blue, unassessed, major_hazard, major_hazard_grade, updated_at)"
            f" SELECT {base} + g, {colours.replace('%', '%%')},"
            " g %% 2, g %% 3, g %% 4, g %% 5, 0, false, NULL,"
            " now() FROM generate_series(1, %s) AS g",
            [n],
        )
    analyse(EnterpriseRiskProfile)
    insert_series(
        HazardUnit,
        1,
        n // 10,
        {
            "enterprise_id": f"{base} + g * 10",
            "name": "'基准罐区' || g",
            "kind": "'storage'",
            "identified": "true",
            "grade": "1 + g % 4",
            "version": "1",
        },
    )
    insert_series(
        Hazard,
        1,
        args.hazards,
        {
            "enterprise_id": f"{base} + 1 + g % {n}",
            "region_code": "'640104'",
            "state": "(ARRAY['pending','rectifying','awaiting','closed','closed','voided'])"
            "[1 + g % 6]",
            "level": "CASE WHEN g % 50 = 0 THEN 'major' ELSE 'general' END",
            "source": "'1'",
            "category": "'1'",
            "place": "'基准车间'",
            "description": "'基准隐患'",
            "found_at": WHEN,
            "deadline": "current_date - 30 + g % 90",
            "version": "1",
        },
    )
    insert_series(
        Accident,
        1,
        n // 50,
        {
            "enterprise_id": f"{base} + g * 50",
            "occurred_at": WHEN,
            "place": "'基准仓库'",
            "summary": "'基准事故'",
            "grade": "'general'",
            "state": "'reported'",
            "deaths": "g % 2",
            "serious_injuries": "g % 3",
            "version": "1",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE enterprises_enterprise; ANALYZE hazards_hazard; ANALYZE accidents_accident;"
            " ANALYZE risks_hazardunit; ANALYZE risks_enterpriseriskprofile;"
        )
    print(
        f"park {park.pk}: {n} enterprises, {args.hazards} hidden dangers "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()

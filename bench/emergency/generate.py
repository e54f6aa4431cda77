"""Build the nearest-search dataset: 100,000 enterprises and 10,000 emergency resources
spread over the Yinchuan area, every kind, three in four available.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.emergency.generate --enterprises 100000 --resources 10000

Bench rows are named 基准…; earlier ones are removed first, so a rerun starts clean.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.sqlgen import insert_series  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.emergency.models import Resource  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.orgs.models import Region  # noqa: E402

# A pseudo-random but repeatable spread: 38.0–39.0 N, 105.8–106.9 E.
LAT = "38.0 + ((g::bigint * 7919) % 100003) / 100003.0"
LNG = "105.8 + 1.1 * ((g::bigint * 104729) % 99991) / 99991.0"


def counties():
    rows = list(Region.objects.filter(level="county").order_by("code").values_list("id", "code"))
    ids = "ARRAY[" + ",".join(str(i) for i, _ in rows) + "]"
    codes = "ARRAY[" + ",".join(f"'{c}'" for _, c in rows) + "]"
    return ids, codes, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    seed()
    Resource.objects.filter(name__startswith="基准").delete()
    with connection.cursor() as cursor:  # plain rows, no children: no audit needed
        cursor.execute("DELETE FROM enterprises_enterprise WHERE uscc LIKE 'BENCH%%'")
    ids, codes, n = counties()
    insert_series(
        Enterprise,
        1,
        args.enterprises,
        {
            "name": "'基准企业' || g",
            "uscc": "'BENCH' || lpad(g::text, 13, '0')",
            "region_id": f"({ids})[1 + g % {n}]",
            "region_code": f"({codes})[1 + g % {n}]",
            "sector": "'other'",
            "status": "'operating'",
            "scale": "'small'",
            "latitude": f"round(({LAT})::numeric, 6)",
            "longitude": f"round(({LNG})::numeric, 6)",
            "version": "1",
        },
    )
    kinds = "(ARRAY['team','expert','warehouse','vehicle','comms'])[1 + g % 5]"
    insert_series(
        Resource,
        1,
        args.resources,
        {
            "kind": kinds,
            "name": "'基准资源' || g",
            "region_id": f"({ids})[1 + g % {n}]",
            "region_code": f"({codes})[1 + g % {n}]",
            "latitude": "38.0 + ((g::bigint * 6151) % 10007) / 10007.0",
            "longitude": "105.8 + 1.1 * ((g::bigint * 3571) % 9973) / 9973.0",
            "availability": "CASE WHEN g % 4 = 0 THEN 'busy' ELSE 'available' END",
            "confirmed_at": "now()",
            "version": "1",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise; ANALYZE emergency_resource;")
    print(
        f"{args.enterprises} enterprises, {args.resources} resources "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()

"""Safety-expense rows for the benchmark: for every live enterprise in a sector with a rate
table that has no row for this year, a year with a revenue spread over every band (so some
are short of the accrual), written by PostgreSQL in one INSERT … SELECT.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.investment.generate [--enterprises 20000]

First adds N plain enterprises (codes BENCHI…, sectors spread over the tables' sectors and
one without a table, 5–500 staff, some insured short) after removing earlier ones. The
rows' `required` is a stand-in (1.5 % of revenue): the benchmark times the reads, not the
arithmetic of the stored rows."""

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.sqlgen import analyse, insert_series  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.investment.demo import ensure_rules  # noqa: E402
from safeloop.investment.models import RateTable  # noqa: E402
from safeloop.orgs.models import Region  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=20_000)
    args = parser.parse_args()
    ensure_rules()
    year = timezone.localdate().year
    sectors = sorted(RateTable.in_force())
    rows = list(Region.objects.filter(level="county").order_by("code").values_list("id", "code"))
    ids = "ARRAY[" + ",".join(str(i) for i, _ in rows) + "]"
    codes = "ARRAY[" + ",".join(f"'{c}'" for _, c in rows) + "]"
    kinds = "ARRAY[" + ",".join(f"'{s}'" for s in [*sectors, "building_materials"]) + "]"
    with connection.cursor() as cursor:  # plain rows, no children: no audit needed
        cursor.execute(
            "DELETE FROM investment_expenseyear WHERE enterprise_id IN "
            "(SELECT id FROM enterprises_enterprise WHERE uscc LIKE 'BENCHI%%')"
        )
        cursor.execute("DELETE FROM enterprises_enterprise WHERE uscc LIKE 'BENCHI%%'")
    insert_series(
        Enterprise,
        1,
        args.enterprises,
        {
            "name": "'投入基准企业' || g",
            "uscc": "'BENCHI' || lpad(g::text, 12, '0')",
            "region_id": f"({ids})[1 + g % {len(rows)}]",
            "region_code": f"({codes})[1 + g % {len(rows)}]",
            "sector": f"({kinds})[1 + g % {len(sectors) + 1}]",
            "status": "'operating'",
            "scale": "'small'",
            "employees": "5 + g % 496",
            "injury_insured": "5 + g % 496 - (g % 7 = 0)::int",
            "version": "1",
        },
    )
    print(f"{args.enterprises} enterprises added")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO investment_expenseyear
                (version, enterprise_id, year, revenue, sector, table_id, required, monthly,
                 bands, extracted, opening_balance, note, created_at)
            SELECT 1, e.id, %(year)s, r.revenue, e.sector, NULL, round(r.revenue * 0.015, 2),
                   round(r.revenue * 0.015 / 12, 2), '[]'::jsonb,
                   round(r.revenue * 0.015 * (e.id %% 10) / 10, 2), 0, '', now()
            FROM enterprises_enterprise e
            CROSS JOIN LATERAL (SELECT (1000000 + (e.id * 7919) %% 2000000000)::numeric
                                AS revenue) r
            WHERE e.deleted_at IS NULL AND e.sector = ANY(%(sectors)s)
              AND NOT EXISTS (SELECT 1 FROM investment_expenseyear y
                              WHERE y.enterprise_id = e.id AND y.year = %(year)s)
            """,
            {"year": year, "sectors": sectors},
        )
        print(f"{cursor.rowcount} safety-expense years added for {year}")
    analyse("investment_expenseyear")


if __name__ == "__main__":
    main()

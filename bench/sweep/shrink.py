"""The sweep's smaller dataset for the growth comparison: a copy of a generated province with
one generated hidden danger in `--keep` (10: 10,000,000 → 1,000,000), everything else the
same rows.

    createdb -h 127.0.0.1 -U postgres -T sweep_big sweep_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sweep_1m PYTHONPATH=src:. \
      .venv/bin/python -m bench.sweep.shrink [--keep 10]

The generator's hidden dangers take their finding date from their position in the series
(ids follow time), so keeping every tenth id keeps the mix of a fresh generation of a tenth
of the rows: the same five years, the same share open at each age, the same enterprises'
skew. Enterprises, risk points, accounts, self-checks, inspections, warnings, accidents and
notifications stay exactly as generated, so a page's growth from one dataset to the other is
the growth of the hidden dangers alone (`bench.sweep.run --save` on each, then `--compare`).

A generated hidden danger that another row refers to stays. The rows go in one statement
with the session's triggers off (the tallies' per-statement triggers and the foreign keys'
per-row checks, which nothing here needs: no kept row refers to a removed one); the tallies
are then recounted from the base tables and the key-units list refreshed, as after any bulk
change, and the table rewritten (`VACUUM FULL`), as a table that never held the other rows
would be.
"""

import argparse
import os
import time

GENERATED = "基准隐患描述 %"  # bench.dashboards.generate's descriptions


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from safeloop.alerts import keyunits
    from safeloop.dashboards import tallies
    from safeloop.hazards.models import Hazard

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", type=int, default=10, help="keep one generated row in N")
    ns = parser.parse_args()
    started = time.monotonic()
    referred = " ".join(
        f"AND NOT EXISTS (SELECT 1 FROM {rel.related_model._meta.db_table} r "
        f"WHERE r.{rel.field.column} = h.id)"
        for rel in Hazard._meta.related_objects
        if rel.field.column
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"DELETE FROM hazards_hazard h WHERE description LIKE %s AND id %% %s <> 0 {referred}",
            [GENERATED, ns.keep],
        )
        removed = cursor.rowcount
    print(f"hidden dangers removed: {removed:,} ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL hazards_hazard")
    print(f"table rewritten ({time.monotonic() - started:.0f} s)", flush=True)
    tallies.rebuild()
    assert tallies.differences() == [], "the tallies differ from the base tables"
    print(f"tallies recounted ({time.monotonic() - started:.0f} s)", flush=True)
    print(f"key units: {keyunits.refresh()['listed']:,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"hidden dangers: {Hazard.objects.count():,}; done in {time.monotonic() - started:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()

"""Build the credit benchmark's dataset: the hidden-danger generator's enterprises and
hazards (bench.hazards.generate, set-based), plus what credit reads besides: a principal and
two safety managers per enterprise, the acceptance move of every hazard closed in the last
two years (half of them after the deadline), and one general accident per 200 enterprises.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_credit_bench \
      .venv/bin/python -m bench.credit.generate --enterprises 100000 --hazards 10000000
"""

import argparse
import time

from django.core.management import call_command
from django.db import connection

from bench.hazards import generate as hz  # sets up Django
from safeloop.demo.seed import seed
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.models import Hazard


def extras() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_enterprise SET principal = '负责人' || id "
            "WHERE uscc LIKE 'BENCH%%' AND principal = ''"
        )
        cursor.execute("""
            INSERT INTO enterprises_safetymanager
                (enterprise_id, position, name, mobile, duties, certificate_number)
            SELECT e.id, k, '安全员' || e.id || '-' || k, '', '', ''
            FROM enterprises_enterprise e CROSS JOIN generate_series(1, 2) k
            WHERE e.uscc LIKE 'BENCH%%'
              AND NOT EXISTS (SELECT 1 FROM enterprises_safetymanager m
                              WHERE m.enterprise_id = e.id)""")
        cursor.execute("""
            INSERT INTO hazards_hazardevent (hazard_id, at, move, from_state, to_state, note)
            SELECT h.id,
                   (h.deadline + CASE WHEN h.id % 2 = 0 THEN -1 ELSE 3 END)::timestamptz,
                   'accept', 'awaiting', 'closed', ''
            FROM hazards_hazard h
            WHERE h.state = 'closed' AND h.deadline >= current_date - 730
              AND NOT EXISTS (SELECT 1 FROM hazards_hazardevent x WHERE x.hazard_id = h.id)""")
        cursor.execute("VACUUM ANALYZE hazards_hazardevent")
        cursor.execute("VACUUM ANALYZE enterprises_safetymanager")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=10_000_000)
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed()
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        hz.enterprises(ns.enterprises)
    if Hazard.objects.count() < ns.hazards:
        hz.hazards(ns.hazards, ns.enterprises)
    extras()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"dataset ready in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

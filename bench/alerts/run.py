"""Early-warning rules and the monthly bulletin on a large dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_alerts_bench \
      .venv/bin/python -m bench.hazards.generate --enterprises 100000 --hazards 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_alerts_bench \
      .venv/bin/python -m bench.alerts.run

Adds one licence per enterprise (ends spread from 100 days ago to 700 days ahead), then times
each rule's evaluation twice (the first run raises, the second must raise nothing), the key
units list of the whole city, and the city's bulletin for last month (figures, then figures
and files). Everything runs in one transaction that is rolled back, so runs repeat.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.sqlgen import insert_series  # noqa: E402
from safeloop.alerts.evaluation import evaluate  # noqa: E402
from safeloop.alerts.models import WarningRule  # noqa: E402
from safeloop.alerts.selectors import key_units  # noqa: E402
from safeloop.bulletins import figures, services  # noqa: E402
from safeloop.bulletins.tasks import last_month  # noqa: E402
from safeloop.core.context import acting_as  # noqa: E402
from safeloop.enterprises.models import Enterprise, Licence  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import Region  # noqa: E402


def timed(label, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<48} {1000 * (time.perf_counter() - started):>9.0f} ms   {result}", flush=True)
    return result


def licences():
    first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
    count = Enterprise.objects.filter(uscc__startswith="BENCH").count()
    insert_series(
        Licence,
        0,
        count - 1,
        {
            "enterprise_id": f"{first} + g",
            "kind": "'safety_production'",
            "number": "'BENCH-L' || g",
            "authority": "'宁夏回族自治区应急管理厅'",
            "valid_from": "current_date - 1000",
            "valid_to": "current_date - 100 + (g * 7919) % 800",
            "status": "'valid'",
        },
    )
    return count


def region_codes():
    """bench.hazards.generate leaves the hazards' copied county code empty; fill it as the
    services would have."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE hazards_hazard h SET region_code = e.region_code "
            "FROM enterprises_enterprise e WHERE e.id = h.enterprise_id AND h.region_code = ''"
        )
        updated = cursor.rowcount
        cursor.execute("ANALYZE hazards_hazard")
    return updated


def main():
    print(f"hazards: {Hazard.objects.count():,}  enterprises: {Enterprise.objects.count():,}")
    timed("fill the hazards' county codes (kept)", region_codes)
    with transaction.atomic(), acting_as(None):
        timed("add one licence per enterprise", licences)
        for rule in WarningRule.objects.order_by("code"):
            timed(f"{rule.code}: first run", lambda r=rule: evaluate(r)["raised"])
            timed(f"{rule.code}: second run (dedup)", lambda r=rule: evaluate(r)["raised"])
        timed(
            "key units of the whole dataset (count)",
            lambda: key_units(Enterprise.objects.all()).count(),
        )
        city = Region.objects.get(code="640100")
        month = last_month(timezone.localdate())
        timed("city bulletin: figures", lambda: figures.compute(city, month)["totals"]["found"])
        timed(
            "city bulletin: figures + Excel + PDF",
            lambda: services.generate(region=city, month=month, actor=None).generations,
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()

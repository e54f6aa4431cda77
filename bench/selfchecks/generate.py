"""Build the self-check benchmark dataset: enterprises with a safety manager's account each,
100,000 risk points (five per enterprise) and two control measures per point — one daily, one
of the other frequencies in turn (shift, weekly, monthly, quarterly, yearly).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench_selfchecks \
      .venv/bin/python -m bench.selfchecks.generate --points 100000

Rows are written by PostgreSQL itself (bench.sqlgen); enterprises come from the hazards
benchmark's generator (USCC prefix BENCH). Re-running adds nothing once the points exist.
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
from bench.sqlgen import insert_series  # noqa: E402
from safeloop.demo.seed import seed  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.orgs.models import RoleAssignment, User  # noqa: E402
from safeloop.risks.models import ControlMeasure, RiskPoint  # noqa: E402

POINTS_PER_ENTERPRISE = 5
OTHER_FREQUENCIES = "(ARRAY['shift','weekly','monthly','quarterly','yearly'])"


def staff(first_enterprise: int, count: int) -> None:
    """One safety manager account per benchmark enterprise (unusable password)."""
    insert_series(
        User,
        1,
        count,
        {
            "username": "'bench_sm_' || g",
            "password": "'!'",
            "is_active": "true",
            "date_joined": "now()",
            "full_name": "'安全员' || g",
        },
    )
    first_user = User.objects.filter(username="bench_sm_1").get().pk
    insert_series(
        RoleAssignment,
        1,
        count,
        {
            "user_id": f"{first_user} + g - 1",
            "role": "'safety_manager'",
            "enterprise_id": f"{first_enterprise} + g - 1",
            "active": "true",
        },
    )


def points_and_measures(first_enterprise: int, points: int) -> None:
    insert_series(
        RiskPoint,
        1,
        points,
        {
            "enterprise_id": f"{first_enterprise} + (g - 1) / {POINTS_PER_ENTERPRISE}",
            "name": "'基准风险点' || g",
            "kind": "(ARRAY['equipment','operation','place'])[1 + g % 3]",
            "location": "'车间' || (g % 20)",
            "level": "(ARRAY['red','orange','yellow','blue'])[1 + g % 4]",
            "created_at": "now()",
            "updated_at": "now()",
        },
    )
    first_point = RiskPoint.objects.filter(name="基准风险点1").order_by("pk").first().pk
    for offset, frequency in ((0, "'daily'"), (1, f"{OTHER_FREQUENCIES}[1 + g % 5]")):
        insert_series(
            ControlMeasure,
            1,
            points,
            {
                "enterprise_id": f"{first_enterprise} + (g - 1) / {POINTS_PER_ENTERPRISE}",
                "risk_point_id": f"{first_point} + g - 1",
                "kind": "'management'",
                "description": f"'基准管控措施' || g || '-{offset}'",
                "control_level": "'team'",
                "responsible": "'班组长' || g",
                "inspection_frequency": frequency,
            },
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=100_000)
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed()
    count = ns.points // POINTS_PER_ENTERPRISE
    if not Enterprise.objects.filter(uscc__startswith="BENCH").exists():
        enterprises(count)
    first = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk").first().pk
    if not User.objects.filter(username="bench_sm_1").exists():
        staff(first, count)
    if not RiskPoint.objects.filter(name="基准风险点1").exists():
        points_and_measures(first, ns.points)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"dataset ready in {time.monotonic() - started:.0f} s: "
        f"{RiskPoint.objects.count():,} risk points, {ControlMeasure.objects.count():,} measures"
    )


if __name__ == "__main__":
    main()

"""Demo accidents on the first demo enterprises, graded by the loaded rules. Re-running
adds nothing (keyed by enterprise, time and place)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.accidents import reference_data
from safeloop.accidents.grading import grade_for
from safeloop.accidents.models import Accident, GradeThreshold
from safeloop.enterprises.models import Enterprise

# days ago, place, account, deaths, serious injuries, direct loss (CNY)
ACCIDENTS = [
    (40, "二号车间冲压线", "冲床作业时右手被压伤", 0, 1, Decimal("86000")),
    (400, "原料仓库", "叉车倒车撞伤搬运工", 1, 0, Decimal("1350000")),
]


def seed() -> int:
    if not GradeThreshold.objects.exists():  # a flushed test database lost migration 0002
        reference_data.load(django_apps)
    enterprises = list(Enterprise.objects.filter(deleted_at__isnull=True).order_by("pk")[:2])
    added = 0
    for enterprise, (days, place, summary, deaths, injuries, loss) in zip(
        enterprises, ACCIDENTS, strict=False
    ):
        day = timezone.localdate() - timedelta(days=days)
        occurred_at = timezone.make_aware(datetime.combine(day, time(10, 30)))
        if Accident.objects.filter(enterprise=enterprise, place=place).exists():
            continue
        Accident(
            enterprise=enterprise,
            occurred_at=occurred_at,
            reported_at=occurred_at + timedelta(minutes=40),
            place=place,
            summary=summary,
            deaths=deaths,
            serious_injuries=injuries,
            direct_loss=loss,
            grade=grade_for(
                day=day, deaths=deaths, missing=0, serious_injuries=injuries, direct_loss=loss
            ),
        ).save(action="accidents.accident.record")
        added += 1
    return added

"""Demo accidents on the first demo enterprises, graded by the loaded rules. Re-running
adds nothing (keyed by enterprise, time and place)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.accidents import chain, reference_data
from safeloop.accidents.grading import grade_for
from safeloop.accidents.models import (
    Accident,
    GradeThreshold,
    Investigation,
    ReportingStepRule,
    Revision,
)
from safeloop.accidents.services import FIGURES
from safeloop.enterprises.models import Enterprise

# days ago, place, account, deaths, serious injuries, direct loss (CNY)
ACCIDENTS = [
    (40, "二号车间冲压线", "冲床作业时右手被压伤", 0, 1, Decimal("86000")),
    (400, "原料仓库", "叉车倒车撞伤搬运工", 1, 0, Decimal("1350000")),
]


def seed() -> int:
    if not GradeThreshold.objects.exists():  # a flushed test database lost migration 0002
        reference_data.load(django_apps)
    if not ReportingStepRule.objects.exists():  # … and migration 0004
        reference_data.load_chain(django_apps)
    enterprises = list(Enterprise.objects.filter(deleted_at__isnull=True).order_by("pk")[:2])
    added = 0
    for enterprise, (days, place, summary, deaths, injuries, loss) in zip(
        enterprises, ACCIDENTS, strict=False
    ):
        day = timezone.localdate() - timedelta(days=days)
        occurred_at = timezone.make_aware(datetime.combine(day, time(10, 30)))
        if Accident.objects.filter(enterprise=enterprise, place=place).exists():
            continue
        accident = Accident(
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
        )
        accident.save(action="accidents.accident.record")
        _history(accident, days)
        added += 1
    return added


def _history(accident: Accident, days: int) -> None:
    """The chain (county and city reported in time), the first report as revision 1, and for
    the recent accident a 续报 and an investigation under way."""
    steps = chain.lay_down(accident, None)
    at = accident.reported_at
    for step in steps[1:]:
        step.due_at = at + timedelta(minutes=step.within_minutes)
        at = at + timedelta(minutes=50)
        step.reported_at, step.note = at, "已电话报告并传真快报"
        step.save()
    revision = {name: getattr(accident, name) for name in FIGURES}
    Revision.objects.create(
        accident=accident,
        number=1,
        made_at=accident.reported_at,
        reason="首报",
        grade=accident.grade,
        **revision,
    )
    if days > 60:
        return
    Accident.objects.filter(pk=accident.pk).update(minor_injuries=1)
    Revision.objects.create(
        accident=accident,
        number=2,
        made_at=accident.reported_at + timedelta(days=2),
        reason="续报：另有一名工人轻伤",
        grade=accident.grade,
        **{**revision, "minor_injuries": 1},
    )
    Investigation(
        accident=accident,
        team="县应急管理局牵头，县工信局、县总工会、县公安局参加",
        findings="操作工在冲床光电保护装置被短接的情况下送料，右手被压伤。",
        direct_causes="光电保护装置被违规短接。",
        indirect_causes="企业安全培训和设备点检不到位。",
        responsibility="车间主任对设备安全装置管理不到位负直接管理责任。",
        lessons="安全保护装置不得擅自拆除或短接。",
    ).save(action="accidents.investigation.open")

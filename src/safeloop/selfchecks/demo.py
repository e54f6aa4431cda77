"""Demo self-checks for the demo safety manager: weekly and monthly measures beside the demo
risks' daily ones, two weeks of history (two of three done, the rest missed) and today's
tasks. No abnormal result: the demo's hidden dangers are the hazards app's to seed.
Re-running changes nothing: history is written once, and today's generation runs once a
day."""

from datetime import timedelta

from django.utils import timezone

from safeloop.orgs.models import User
from safeloop.risks import services as risks
from safeloop.risks.models import ControlMeasure, RiskPoint
from safeloop.selfchecks import generation, services, standings
from safeloop.selfchecks.choices import RunKind, TaskState
from safeloop.selfchecks.models import JobRun, SelfCheckTask
from safeloop.selfchecks.rules_data import ensure_rules

HISTORY_DAYS = 14
# point name, measure, frequency
MEASURES = [
    ("高炉炉前作业", "每周检查炉前挡火墙、出铁场排水沟及防护栏杆", "weekly"),
    ("煤气柜区域", "每月校验煤气报警仪并试验与排风机联锁", "monthly"),
]


def _measures(manager) -> None:
    for point_name, description, frequency in MEASURES:
        point = RiskPoint.objects.filter(name=point_name, is_deleted=False).first()
        if (
            point is None
            or ControlMeasure.objects.filter(risk_point=point, description=description).exists()
        ):
            continue
        risks.create_measure(
            actor=manager,
            point=point,
            kind="management",
            description=description,
            control_level="workshop",
            responsible=manager.full_name or manager.username,
            responsible_user=manager,
            inspection_frequency=frequency,
        )


def _history(manager, today) -> None:
    """Two weeks of tasks: two of every three done, the others left to be marked missed."""
    for n in range(HISTORY_DAYS, 0, -1):
        generation.run_now(RunKind.GENERATE, today - timedelta(days=n))
    past = SelfCheckTask.objects.filter(
        enterprise__in=manager.role_assignments.values("enterprise"),
        state=TaskState.PENDING,
        due_date__lt=today,
    ).order_by("due_date", "id")
    for i, task in enumerate(past):
        if i % 3 == 2:
            continue
        services.record_task(task=task, actor=manager, result="normal", note="正常")
    generation.run_now(RunKind.MISS, today)


def seed() -> None:
    ensure_rules()
    manager = User.objects.filter(username="safety_manager").first()
    if manager is None:
        return
    _measures(manager)
    today = timezone.localdate()
    if not SelfCheckTask.objects.exists():
        _history(manager, today)
    if not JobRun.objects.filter(kind=RunKind.GENERATE, day=today).exists():
        generation.run_now(RunKind.GENERATE, today)
    standings.refresh(today)

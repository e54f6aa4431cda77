"""Demo: two and a half years of inspection history over the demo enterprises with the planted
signal (history.py), a retrodiction (trained up to six months ago, replayed since) and the
current models trained up to today, so the report page and the plans' reasons have content.
Re-running adds nothing (the history's plan is found by its title)."""

from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.inspections.models import Plan
from safeloop.orgs.models import Region, User
from safeloop.prediction import history, services
from safeloop.prediction.choices import Target
from safeloop.prediction.evaluation import add_months

TITLE = "历年执法检查记录（演示）"


def seed() -> None:
    admin = User.objects.filter(username="city_admin").first()
    inspector = User.objects.filter(username="city_inspector").first()
    city = Region.objects.filter(code="640100").first()
    if admin is None or inspector is None or city is None:
        return
    if Plan.objects.filter(title=TITLE).exists():
        return
    today = timezone.localdate()
    plan = Plan(
        title=TITLE,
        kind="comprehensive",
        region=city,
        period_start=today.replace(year=today.year - 3, month=1, day=1),
        period_end=today,
        state="closed",
        created_by=admin,
    )
    plan.save(action="inspections.plan.create", actor=admin)
    ids = list(
        Enterprise.objects.filter(deleted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    history.plant(
        enterprise_ids=ids, plan_id=plan.pk, inspector_id=inspector.pk, end=today, months=30
    )
    services.evaluate(actor=admin, cutoff=add_months(today, -6), months=6)
    for target in (Target.MAJOR, Target.ANY):
        services.train(actor=admin, cutoff=today, target=target)

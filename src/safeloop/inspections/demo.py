"""Demo rows: a quarterly comprehensive plan for 兴庆区 whose targets were chosen by the
rules, and an assigned visit for the demo county inspector (and the grid inspector where
their grid has an enterprise). Re-running adds nothing (the plan is found by its title)."""

from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.inspections import services
from safeloop.inspections.choices import PlanKind
from safeloop.inspections.models import CriteriaStandard, Plan, Visit
from safeloop.inspections.reference_data import load
from safeloop.orgs.models import GridCell, Region, User

TITLE = "{year}年第{quarter}季度安全生产综合督查（演示）"


def ensure_reference_data() -> None:
    """The criteria, checklists and policy the migration loads; again after a database flush
    (transactional tests empty every table)."""
    if not CriteriaStandard.objects.exists():
        load(apps)


def seed() -> None:
    ensure_reference_data()
    admin = User.objects.filter(username="county_admin").first()
    county = Region.objects.filter(code="640104").first()
    if admin is None or county is None:
        return
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    title = TITLE.format(year=today.year, quarter=quarter)
    if Plan.objects.filter(title=title).exists():
        return
    start = date(today.year, 3 * quarter - 2, 1)
    end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    plan = services.create_plan(
        actor=admin,
        title=title,
        kind=PlanKind.COMPREHENSIVE,
        region=county,
        period_start=start,
        period_end=end,
        note="按风险等级、逾期隐患、过期证照和覆盖率规则自动选取检查对象。",
    )
    services.generate_targets(plan=plan, actor=admin)
    assigned = [("county_inspector", Enterprise.objects.filter(region_code="640104"))]
    grid = GridCell.objects.filter(code="640105-G01").first()
    if grid is not None:
        assigned.append(("grid_inspector", Enterprise.objects.filter(grid=grid)))
    for username, enterprises in assigned:
        inspector = User.objects.filter(username=username).first()
        enterprise = enterprises.order_by("pk").first()
        if inspector is None or enterprise is None:
            continue
        if Visit.objects.filter(plan=plan, inspector=inspector).exists():
            continue
        services.add_visit(
            plan=plan,
            actor=User.objects.get(username="city_admin")
            if username == "grid_inspector"
            else admin,
            enterprise=enterprise,
            inspector=inspector,
            scheduled_on=max(start, min(today, end)),
        )

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Extension, Hazard, Listing
from safeloop.orgs.models import Department, DepartmentKind
from safeloop.orgs.roles import Role

COMPLETE_PLAN = {
    "measures": "更换防护罩",
    "funds_budgeted": Decimal("5000.00"),
    "responsible_person": "张三",
    "emergency_measures": "设置警戒区",
    "plan_goals": "消除隐患",
    "plan_methods": "停机检修",
    "plan_resources": "资金已落实",
    "plan_organisation": "设备部",
    "plan_schedule": "30日内",
    "plan_safety": "应急预案已备",
}


@pytest.fixture
def departments(world):
    county = Department.objects.create(
        name="兴庆区工信局", kind=DepartmentKind.COUNTY_DEPARTMENT, region=world.county
    )
    city = Department.objects.create(
        name="银川市工信局", kind=DepartmentKind.CITY_BUREAU, region=world.city
    )
    return {"county": county, "city": city}


@pytest.fixture
def make_hazard(world, departments):
    """A hazard on the world's `inside` enterprise in any state, its preconditions met:
    plan complete, deadline 60 days out, submitted by the safety manager when awaiting
    acceptance, listed by the county when major (unless `listed=False`)."""

    def make(
        state=State.RECTIFYING,
        level=Level.GENERAL,
        by_regulator=False,
        listed=True,
        extension=False,
        **fields,
    ):
        today = timezone.localdate()
        deadline = fields.pop("deadline", today + timedelta(days=60))
        awaiting = state in (State.AWAITING, State.CLOSED)
        hazard = Hazard.objects.create(
            enterprise=world.inside,
            state=state,
            level=level,
            source="1",
            category="1",
            place="冲压车间",
            description="防护罩缺失",
            deadline=deadline,
            found_by=world.user(Role.COUNTY_INSPECTOR if by_regulator else Role.SAFETY_MANAGER),
            found_by_regulator=by_regulator,
            submitted_by=world.user(Role.SAFETY_MANAGER) if awaiting else None,
            evidence="已整改" if awaiting else "",
            **{**COMPLETE_PLAN, **fields},
        )
        if level == Level.MAJOR and listed:
            Listing.objects.create(
                hazard=hazard,
                level="county",
                department=departments["county"],
                notice_number="兴庆区工信局督〔2026〕第1号",
                listed_at=today,
                deadline=hazard.deadline,
                listed_by=world.user(Role.COUNTY_ADMIN),
            )
        if extension:
            Extension.objects.create(
                hazard=hazard,
                requested_by=world.user(Role.SAFETY_MANAGER),
                old_deadline=hazard.deadline,
                new_deadline=hazard.deadline + timedelta(days=10),
                reason="设备到货延迟",
            )
        return hazard

    return make

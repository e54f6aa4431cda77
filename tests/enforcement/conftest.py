from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeloop.enforcement import services
from safeloop.enforcement.choices import DocumentKind
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.inspections import services as inspections
from safeloop.inspections.choices import PlanKind
from safeloop.orgs.models import Department, DepartmentKind
from safeloop.orgs.roles import Role


@pytest.fixture
def departments(world):
    county = Department.objects.create(
        name="兴庆区应急管理局", kind=DepartmentKind.COUNTY_DEPARTMENT, region=world.county
    )
    city = Department.objects.create(
        name="银川市应急管理局", kind=DepartmentKind.CITY_BUREAU, region=world.city
    )
    return {"county": county, "city": city}


def make_hazard(enterprise, *, days_left=30, level=Level.GENERAL, state=State.RECTIFYING):
    return Hazard.objects.create(
        enterprise=enterprise,
        state=state,
        level=level,
        source="1",
        category="1",
        place="冲压车间",
        description="防护罩缺失",
        deadline=timezone.localdate() + timedelta(days=days_left),
    )


@pytest.fixture
def hazard(world, departments):
    return make_hazard(world.inside)


@pytest.fixture
def visit(world, departments):
    plan = inspections.create_plan(
        actor=world.user(Role.COUNTY_ADMIN),
        title="综合督查",
        kind=PlanKind.COMPREHENSIVE,
        region=world.county,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    return inspections.add_visit(
        plan=plan,
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        inspector=world.user(Role.COUNTY_INSPECTOR),
        scheduled_on=date(2026, 11, 2),
    )


def issue_order(world, hazard, actor=None, **extra):
    return services.issue_document(
        actor=actor or world.user(Role.COUNTY_INSPECTOR),
        kind=DocumentKind.ORDER,
        hazard=hazard,
        findings="防护罩缺失",
        deadline=timezone.localdate() + timedelta(days=10),
        **extra,
    )


@pytest.fixture
def order(world, hazard):
    return issue_order(world, hazard)


@pytest.fixture(autouse=True)
def seeded_rules(db):
    """The rules the data migration seeds (a transactional test elsewhere flushes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("safeloop.enforcement.migrations.0002_default_rules").seed(apps, None)

from datetime import date

import pytest
from django.core.cache import cache

from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from safeloop.risks.demo import ensure_reference_data
from safeloop.selfchecks import generation
from safeloop.selfchecks.choices import RunKind
from safeloop.selfchecks.models import SelfCheckTask
from safeloop.selfchecks.rules_data import ensure_rules

FREQUENCIES = ["shift", "daily", "weekly", "monthly", "quarterly", "yearly"]


@pytest.fixture(autouse=True)
def rule_tables(request):
    """The rule tables come with migrations; truncating tests remove them."""
    cache.clear()
    if "db" in request.fixturenames or "world" in request.fixturenames:
        request.getfixturevalue("db")
        ensure_reference_data()
        ensure_rules()


@pytest.fixture
def make_measure(world):
    """A live control measure of `enterprise` (default: the world's `inside`) with the
    given frequency, on its own risk point."""
    admin = world.user(Role.SYSTEM_ADMIN)

    def make(frequency="daily", enterprise=None, **fields):
        enterprise = enterprise or world.inside
        point = risks.create_risk_point(
            actor=admin,
            enterprise=enterprise,
            name=fields.pop("point_name", f"{frequency}点"),
            kind="equipment",
            location="一号车间",
        )
        return risks.create_measure(
            actor=admin,
            point=point,
            kind="management",
            description=fields.pop("description", f"{frequency}检查防护装置"),
            control_level="team",
            responsible=fields.pop("responsible", "张班长"),
            inspection_frequency=frequency,
            **fields,
        )

    return make


@pytest.fixture
def generate():
    def run(day: date):
        return generation.run_now(RunKind.GENERATE, day)

    return run


@pytest.fixture
def make_task(world, make_measure, generate):
    """A pending daily task of the `inside` enterprise due on a working day (2026-01-30)."""

    def make(frequency="daily", enterprise=None, day=date(2026, 1, 30)):
        measure = make_measure(frequency, enterprise)
        generate(day)
        return SelfCheckTask.objects.get(measure=measure)

    return make

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.dashboards import tallies
from safeloop.hazards import services as hazards
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role

PLAN = {
    "measures": "更换防护罩",
    "funds_budgeted": Decimal("5000.00"),
    "responsible_person": "张三",
    "emergency_measures": "设置警戒区",
}
FIELDS = {"source": "1", "category": "1", "place": "冲压车间", "description": "防护罩缺失"}


@pytest.fixture
def assert_exact():
    """The tallies equal the recomputation from the base tables, before and after a fold."""

    def check():
        assert tallies.differences() == []
        tallies.fold()
        assert tallies.differences() == []

    return check


@pytest.fixture
def register(world):
    def make(enterprise=None, *, level="general", days=30, **fields):
        hazard, _ = hazards.register(
            actor=world.user(Role.CITY_INSPECTOR),
            enterprise=enterprise or world.inside,
            level=level,
            deadline=timezone.localdate() + timedelta(days=days),
            **{**FIELDS, **PLAN, **fields},
        )
        return hazard

    return make


@pytest.fixture
def three(world, register):
    admin = world.user(Role.SYSTEM_ADMIN)
    late = register(world.inside)
    # Time passes: its deadline is now five days ago.
    Hazard.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=5))
    register(world.sibling)
    hazards.register(
        actor=admin,
        enterprise=world.outside,
        level="general",
        source="1",
        category="1",
        place="车间",
        description="石嘴山隐患",
        deadline=None,
        deadline_working_days=10,
    )

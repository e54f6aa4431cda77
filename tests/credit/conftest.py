from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.accidents import reference_data
from safeloop.accidents import services as accidents
from safeloop.accidents.models import GradeThreshold, ReportingStepRule
from safeloop.credit.demo import ensure_rules
from safeloop.enterprises.models import SafetyManager
from safeloop.orgs.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock: `clock.set("2026-03-01")` until the test ends."""

    class Clock:
        def set(self, moment):
            if isinstance(moment, str):
                moment = at(moment)
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()


@pytest.fixture
def credit(world):
    """The default rules and the inside enterprise's principal and one safety manager."""
    ensure_rules()
    if not GradeThreshold.objects.exists():  # a flushed test database lost the migrations
        reference_data.load(django_apps)
    if not ReportingStepRule.objects.exists():
        reference_data.load_chain(django_apps)
    world.inside.principal = "张主任"
    world.inside.principal_mobile = "13900000001"
    world.inside.save()
    manager = SafetyManager.objects.create(
        enterprise=world.inside, name="李安全", mobile="13900000002"
    )
    return {"manager": manager}


@pytest.fixture
def accident(world, clock):
    """An accident at `day` (the clock is moved there to record it, then left there)."""

    def make(day: str, deaths=0, enterprise=None, **fields):
        clock.set(at(day, 11))
        return accidents.record(
            actor=world.user(Role.SAFETY_MANAGER)
            if enterprise is None
            else world.user(Role.SYSTEM_ADMIN),
            enterprise=enterprise or world.inside,
            occurred_at=at(day, 10),
            place="二号车间",
            summary="机械伤害",
            deaths=deaths,
            direct_loss=Decimal("1000"),
            **fields,
        )

    return make


def days(n: int) -> timedelta:
    return timedelta(days=n)

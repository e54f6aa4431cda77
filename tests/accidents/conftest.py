from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.accidents import services
from safeloop.orgs.roles import Role


@pytest.fixture
def make_accident(world):
    """An accident reported by the inside enterprise's safety manager (or `actor`)."""

    def make(enterprise=None, actor=None, **fields):
        values = {
            "occurred_at": timezone.now() - timedelta(minutes=30),
            "place": "二号车间",
            "summary": "机械伤害",
            "direct_loss": Decimal("1000"),
            **fields,
        }
        return services.record(
            actor=actor or world.user(Role.SAFETY_MANAGER),
            enterprise=enterprise or world.inside,
            **values,
        )

    return make


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock: `clock.set(moment)` until the test ends."""

    class Clock:
        def set(self, moment):
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()

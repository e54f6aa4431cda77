from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.accidents import services as accidents
from safeloop.orgs.roles import Role
from safeloop.targets import reference_data
from safeloop.targets.models import IndicatorKind, ScoringScheme


@pytest.fixture
def rules(world):
    if not ScoringScheme.objects.exists():
        reference_data.load(django_apps)
    return {k.code: k for k in IndicatorKind.objects.all()}


@pytest.fixture
def accident(world):
    """A standing accident this year (a few hours ago) of `enterprise`."""

    def make(enterprise=None, **fields):
        values = {
            "occurred_at": timezone.now() - timedelta(hours=2),
            "place": "二号车间",
            "summary": "机械伤害",
            "direct_loss": Decimal("1000"),
            **fields,
        }
        return accidents.record(
            actor=world.user(Role.CITY_ADMIN), enterprise=enterprise or world.inside, **values
        )

    return make

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.alerts.models import WarningRule
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard

TODAY = timezone.localdate


def hazard_on(enterprise, **fields):
    values = {
        "state": State.RECTIFYING,
        "level": Level.GENERAL,
        "source": "1",
        "category": "1",
        "place": f"{enterprise.name}车间",
        "description": "防护罩缺失",
        "deadline": TODAY() + timedelta(days=30),
        **fields,
    }
    return Hazard.objects.create(enterprise=enterprise, **values)


@pytest.fixture
def rule(db):
    """The rule row with this code, as the migration loaded it (the rows survive a
    transactional test's truncation only if reloaded, so reload when missing)."""

    def get(code, **changes):
        from safeloop.alerts.migrations import __path__ as _  # noqa: F401

        found = WarningRule.objects.filter(code=code).first()
        if found is None:
            import importlib

            seed = importlib.import_module("safeloop.alerts.migrations.0002_default_rules").seed
            from django.apps import apps

            seed(apps, None)
            found = WarningRule.objects.get(code=code)
        for name, value in changes.items():
            setattr(found, name, value)
        if changes:
            found.save()
        return found

    return get

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.alerts.demo import ensure_rules
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
    """The rule row with this code as the migration loaded it, with `changes` saved on it.
    A transactional (worker) test empties the table; `ensure_rules` loads it again."""

    def get(code, **changes):
        ensure_rules()
        found = WarningRule.objects.get(code=code)
        for name, value in changes.items():
            setattr(found, name, value)
        if changes:
            found.save()
        return found

    return get

from datetime import date

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.inspections.models import Plan
from safeloop.orgs.roles import Role
from safeloop.prediction import history
from tests.conftest import valid_uscc

END = date(2026, 6, 1)


def plant(world, *, count: int, signal: bool, seed: int = 1) -> list[int]:
    firms = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"历史企业{i}",
            uscc=valid_uscc("640104", 1000 + i),
            region=world.county,
            region_code="640104",
        )
        for i in range(count)
    )
    plan = Plan.objects.create(
        title="历史检查",
        kind="comprehensive",
        region=world.city,
        region_code="640100",
        period_start=date(2024, 1, 1),
        period_end=END,
        state="closed",
    )
    ids = [e.pk for e in firms]
    history.plant(
        enterprise_ids=ids,
        plan_id=plan.pk,
        inspector_id=world.user(Role.CITY_INSPECTOR).pk,
        end=END,
        months=30,
        signal=signal,
        seed=seed,
    )
    return ids


@pytest.fixture
def planted(world):
    return plant(world, count=400, signal=True)

from decimal import Decimal

import pytest
from django.core.cache import cache

from safeloop.orgs.roles import Role
from safeloop.risks import services
from safeloop.risks.demo import ensure_reference_data
from safeloop.risks.models import AccidentType, HazardCategory, HazardousSubstance


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def reference_tables(request):
    """Migration 0002 loads the rule tables; tests that truncate tables (live-server browser
    tests) remove them, so load them again when they are missing."""
    if "db" in request.fixturenames or "world" in request.fixturenames:
        request.getfixturevalue("db")
        ensure_reference_data()


@pytest.fixture
def manager(world):
    return world.user(Role.SAFETY_MANAGER)


@pytest.fixture
def make_point(world, manager):
    def make(enterprise=None, *, actor=None, **fields):
        fields.setdefault("name", "1#反应釜")
        fields.setdefault("kind", "equipment")
        enterprise = enterprise or world.inside
        actor = actor or (manager if enterprise == world.inside else world.user(Role.SYSTEM_ADMIN))
        return services.create_risk_point(actor=actor, enterprise=enterprise, **fields)

    return make


@pytest.fixture
def assess(manager):
    def run(point, actor=None, **kw):
        kw.setdefault("method", "lec")
        return services.assess_risk_point(actor=actor or manager, point=point, **kw)

    return run


def lec(l, e, c):  # noqa: E741
    return {
        "method": "lec",
        "lec_l": Decimal(str(l)),
        "lec_e": Decimal(str(e)),
        "lec_c": Decimal(str(c)),
    }


def substance(name):
    return HazardousSubstance.objects.get(name=name)


def category(code):
    return HazardCategory.objects.get(code=code)


def accident_type(code, code_set="GB 6441-2025"):
    return AccidentType.objects.get(code=code, code_set__code=code_set)

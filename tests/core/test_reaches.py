"""`scoping.reaches` decides in memory what `for_user` decides in SQL: for every role, on
every enterprise of the world, with and without a narrowing to regulators."""

from datetime import date

import pytest

from safeloop.core.scoping import reaches
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ALL_ROLES, REGULATORS, Role
from tests.scope import ROLES


@pytest.mark.parametrize("role", [*Role, None])
@pytest.mark.parametrize("roles", [ALL_ROLES, REGULATORS])
def test_it_agrees_with_for_user(world, role, roles):
    user = world.users[role]
    grants = user.grants() if user is not None and user.is_authenticated else []
    for enterprise in Enterprise.objects.all():
        in_sql = (
            Enterprise.objects.for_user(user, "view", roles=roles).filter(pk=enterprise.pk).exists()
        )
        assert reaches(grants, roles, enterprise) is in_sql, (role, enterprise.name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["view", "change"])
def test_it_decides_in_memory_as_sql_does(world, role, action):
    """The services' re-check: on hidden dangers (scope through the loaded enterprise) the
    in-memory answer equals `can`; with the enterprise not loaded it does not guess."""
    from safeloop.core.scoping import can, decides_in_memory
    from safeloop.hazards.models import Hazard

    user = world.users[role]
    for enterprise in (world.inside, world.sibling, world.outside):
        hazard = Hazard.objects.create(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            level="general",
            source="1",
            category="7",
            place="车间",
            description="测试",
            deadline=date(2030, 1, 1),
            state="rectifying",
        )
        loaded = Hazard.objects.select_related("enterprise").get(pk=hazard.pk)
        assert decides_in_memory(user, action, loaded) is can(user, action, loaded)
        assert decides_in_memory(user, action, Hazard.objects.get(pk=hazard.pk)) is None

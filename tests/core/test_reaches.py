"""`scoping.reaches` decides in memory what `for_user` decides in SQL: for every role, on
every enterprise of the world, with and without a narrowing to regulators."""

import pytest

from safeloop.core.scoping import reaches
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ALL_ROLES, REGULATORS, Role


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

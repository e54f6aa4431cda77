"""Scoping for every role, inside and outside its scope, on every scoped model so far."""

import pytest

from safeloop.core.scoping import OutOfScope, can, ensure_in_scope
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Park, Region
from safeloop.orgs.roles import Role

# role → which of the world's enterprises it sees
ENTERPRISES_SEEN = {
    Role.SYSTEM_ADMIN: {"inside", "sibling", "outside"},
    Role.CITY_ADMIN: {"inside", "sibling"},
    Role.CITY_INSPECTOR: {"inside", "sibling"},
    Role.COUNTY_ADMIN: {"inside"},
    Role.COUNTY_INSPECTOR: {"inside"},
    Role.PARK_OFFICER: {"inside"},
    Role.GRID_INSPECTOR: {"inside"},
    Role.ENTERPRISE_PRINCIPAL: {"inside"},
    Role.SAFETY_MANAGER: {"inside"},
    Role.EXPERT: {"inside"},
    None: set(),
}

# role → region codes it sees
REGIONS_SEEN = {
    Role.SYSTEM_ADMIN: {"640100", "640104", "640105", "640200", "640202"},
    Role.CITY_ADMIN: {"640100", "640104", "640105"},
    Role.CITY_INSPECTOR: {"640100", "640104", "640105"},
    Role.COUNTY_ADMIN: {"640104"},
    Role.COUNTY_INSPECTOR: {"640104"},
    Role.PARK_OFFICER: set(),
    Role.GRID_INSPECTOR: set(),
    Role.ENTERPRISE_PRINCIPAL: set(),
    Role.SAFETY_MANAGER: set(),
    Role.EXPERT: set(),
    None: set(),
}

PARK_SEEN = {
    role: role
    not in {None, Role.GRID_INSPECTOR, Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER, Role.EXPERT}
    for role in ENTERPRISES_SEEN
}
GRID_SEEN = {
    role: role not in {None, Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER, Role.EXPERT}
    for role in ENTERPRISES_SEEN
}


@pytest.mark.parametrize("role", list(ENTERPRISES_SEEN))
def test_it_shows_each_role_exactly_its_enterprises(world, role):
    seen = set(Enterprise.objects.for_user(world.users[role]).values_list("name", flat=True))
    expected = {getattr(world, key).name for key in ENTERPRISES_SEEN[role]}
    assert seen == expected


@pytest.mark.parametrize("role", list(REGIONS_SEEN))
def test_it_shows_each_role_exactly_its_regions(world, role):
    seen = set(Region.objects.for_user(world.users[role]).values_list("code", flat=True))
    assert seen == REGIONS_SEEN[role]


@pytest.mark.parametrize("role", list(PARK_SEEN))
def test_it_shows_parks_and_grids_to_those_above_them(world, role):
    user = world.users[role]
    assert Park.objects.for_user(user).filter(pk=world.park.pk).exists() is PARK_SEEN[role]
    assert GridCell.objects.for_user(user).filter(pk=world.grid.pk).exists() is GRID_SEEN[role]


def test_it_shows_nothing_to_anonymous_and_inactive_users(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.for_user(AnonymousUser()).exists()
    user = world.user(Role.CITY_ADMIN)
    user.is_active = False
    assert not Enterprise.objects.for_user(user).exists()


def test_it_ignores_inactive_assignments(world):
    user = world.user(Role.COUNTY_ADMIN)
    user.role_assignments.update(active=False)
    user = type(user).objects.get(pk=user.pk)
    assert not Enterprise.objects.for_user(user).exists()


def test_it_separates_view_from_change(world):
    expert = world.user(Role.EXPERT)
    assert can(expert, "view", world.inside)
    assert not can(expert, "change", world.inside)
    assert can(world.user(Role.SAFETY_MANAGER), "change", world.inside)
    assert not can(world.user(Role.COUNTY_INSPECTOR), "change", world.park)
    assert can(world.user(Role.COUNTY_ADMIN), "change", world.park)


def test_it_refuses_a_write_that_leaves_the_scope(world):
    admin = world.user(Role.COUNTY_ADMIN)
    world.park.region = world.sibling_county
    world.park.save()
    with pytest.raises(OutOfScope):
        ensure_in_scope(admin, "change", world.park)


@pytest.mark.parametrize("role", [Role.GRID_INSPECTOR, Role.PARK_OFFICER])
def test_a_park_or_grid_reaches_rows_through_their_enterprises_ids_read_first(world, role):
    """A hidden danger's park and grid are its enterprise's: the scope reads the unit's
    enterprise ids first and filters by them (no join the planner would walk the whole table
    in the list's order for), and a moved enterprise takes its rows along."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeloop.hazards.models import Hazard
    from tests.enforcement.conftest import make_hazard

    mine, sibling = make_hazard(world.inside), make_hazard(world.sibling)
    user = world.user(role)
    with CaptureQueriesContext(connection) as captured:
        assert list(Hazard.objects.for_user(user)) == [mine]
    listed = captured.captured_queries[-1]["sql"]
    # one array parameter typed as the keys are (an untyped one went as small integers)
    assert "JOIN" not in listed and f"= ANY('{{{world.inside.pk}}}'" in listed
    assert "::bigint[])" in listed
    Enterprise.objects.filter(pk=world.sibling.pk).update(
        region=world.county, region_code=world.county.code, park=world.park, grid=world.grid
    )
    assert set(Hazard.objects.for_user(user)) == {mine, sibling}
    assert can(user, "view", sibling)

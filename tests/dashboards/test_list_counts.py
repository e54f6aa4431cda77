"""The hidden-danger list's counts per state come from the tallies where the user's scope and
the filters are tally keys, and equal the counts of the list's own rows; elsewhere the list
counts its rows (capped)."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from safeloop.core.counts import summary_counts
from safeloop.hazards import selectors
from safeloop.hazards.choices import State
from safeloop.hazards.filters import HazardFilter
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.dashboards.conftest import FIELDS, PLAN
from tests.scope import ROLES


@pytest.fixture
def loop(world, register):
    hazards = [register(world.inside), register(world.inside, level="major")]
    hazards += [register(world.sibling)]
    hazards.append(
        Hazard.objects.create(
            enterprise=world.outside, state=State.RECTIFYING, deadline=None, **FIELDS, **PLAN
        )
    )
    Hazard.objects.filter(pk=hazards[0].pk).update(state=State.CLOSED)
    return hazards


def counts(world, role, query: str, view: str = ""):
    user = world.users[role]
    request = RequestFactory().get("/hazards/")
    request.user = user
    base = selectors.hazards_for(user)
    if view:
        base = selectors.saved_view(base, user, view)
    filterset = HazardFilter(QueryDict(query), queryset=base, request=request)
    listed = selectors.list_state_counts(user, filterset, filterset.qs, view)
    return {k: v.n for k, v in listed.items() if v}, selectors.state_counts(filterset.qs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "query", ["", "state=closed", "level=major", "region=640104", "region=640100", "sector=other"]
)
def test_the_state_counts_equal_the_lists_rows(world, loop, role, query):
    listed, rows = counts(world, role, query)
    assert listed == {k: v.n for k, v in rows.items() if v}


def test_they_come_from_the_tallies_where_the_scope_is_a_tally_key(world, loop):
    def tallied(role, criteria=None):
        return summary_counts(Hazard, world.users[role], criteria or {}) is not None

    assert tallied(Role.CITY_ADMIN) and tallied(Role.COUNTY_ADMIN) and tallied(Role.PARK_OFFICER)
    assert tallied(Role.SYSTEM_ADMIN)
    assert tallied(Role.CITY_ADMIN, {"park": world.park, "state": [State.CLOSED]})
    # a grid, an enterprise or no role at all is not a tally key: the list counts its rows
    assert not tallied(Role.GRID_INSPECTOR) and not tallied(Role.SAFETY_MANAGER)
    assert not tallied(Role.EXPERT) and not tallied(None)
    # nor is a filter outside the keys
    assert not tallied(Role.CITY_ADMIN, {"overdue": True})
    county = summary_counts(Hazard, world.user(Role.COUNTY_ADMIN), {})
    assert {k: v.n for k, v in county.items()} == {State.CLOSED: 1, State.RECTIFYING: 1}

"""The service kit itself: `lock`, `get_for_user_or_404` and the scope re-check, with the
exact status of each failure, including ids that cannot name a row."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeloop.core.errors import Conflict, NotFound, NotPermitted, OutOfScope, status_for
from safeloop.core.scoping import PK_MAX, as_pk
from safeloop.core.services import lock, service, track
from safeloop.core.views import get_for_user_or_404
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.scope import assert_hidden


def _hazard(enterprise) -> Hazard:
    return Hazard.objects.create(
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


@pytest.mark.parametrize("value", ["x", "", None, "1.5", 0, -3, PK_MAX + 1, 10**30])
def test_it_names_no_row_with_an_impossible_id(value):
    assert as_pk(value) is None


def test_it_keeps_a_possible_id():
    assert as_pk("42") == 42
    assert as_pk(PK_MAX) == PK_MAX


@pytest.mark.parametrize("pk", ["x", 10**30, PK_MAX + 1, 0])
def test_it_answers_404_for_an_impossible_id(world, pk):
    user = world.users[Role.COUNTY_ADMIN]
    with pytest.raises(NotFound):
        lock(Hazard, user, pk)
    with pytest.raises(Http404):
        get_for_user_or_404(Hazard, user, pk)


def test_a_page_with_an_id_past_the_key_range_is_404(world, client):
    client.force_login(world.users[Role.COUNTY_ADMIN])
    assert_hidden(client.get(f"/hazards/{PK_MAX + 1}/"))


def test_lock_hides_outside_refuses_when_only_seen_and_checks_the_version(world, db):
    outside, inside = _hazard(world.outside), _hazard(world.inside)
    with pytest.raises(NotFound):
        lock(Hazard, world.users[Role.COUNTY_ADMIN], outside.pk)
    with pytest.raises(NotPermitted):  # experts see hidden dangers but do not change them
        lock(Hazard, world.users[Role.EXPERT], inside.pk)
    with pytest.raises(Conflict):
        lock(Hazard, world.users[Role.COUNTY_ADMIN], inside.pk, version=inside.version + 1)
    assert lock(Hazard, world.users[Role.COUNTY_ADMIN], inside.pk, version=inside.version) == inside
    assert [status_for(e()) for e in (NotFound, NotPermitted, Conflict)] == [404, 403, 409]


def test_get_for_user_or_404_refuses_an_action_on_a_seen_record(world, db):
    inside = _hazard(world.inside)
    with pytest.raises(PermissionDenied):
        get_for_user_or_404(Hazard, world.users[Role.EXPERT], inside.pk, "change")
    assert get_for_user_or_404(Hazard, world.users[Role.EXPERT], inside.pk) == inside


def test_a_write_that_leaves_the_actors_scope_is_refused_and_rolled_back(world, db):
    hazard = _hazard(world.inside)

    @service
    def move_away(*, actor):
        locked = lock(Hazard, actor, hazard.pk)
        locked.enterprise, locked.region_code = world.sibling, world.sibling.region_code
        locked.save()
        return locked

    with pytest.raises(OutOfScope):
        move_away(actor=world.users[Role.COUNTY_ADMIN])
    hazard.refresh_from_db()
    assert hazard.enterprise_id == world.inside.pk


def test_a_created_record_is_rechecked(world, db):
    @service
    def create_elsewhere(*, actor):
        return track(_hazard(world.outside))

    with pytest.raises(OutOfScope):
        create_elsewhere(actor=world.users[Role.COUNTY_ADMIN])
    assert not Hazard.objects.filter(enterprise=world.outside).exists()

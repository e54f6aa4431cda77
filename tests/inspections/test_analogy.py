"""事故类比: a draft plan of same-sector enterprises in the proposer's scope, each target saying
which accident it follows; the role × scope statuses of the screen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.accidents import services as accidents
from safeloop.core.errors import NotFound, NotPermitted
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import analogy
from safeloop.inspections.models import Plan
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_status

PLANNER_ROLES = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR, Role.COUNTY_ADMIN,
                 Role.COUNTY_INSPECTOR}  # fmt: skip
VIEWERS = PLANNER_ROLES | {Role.PARK_OFFICER, Role.GRID_INSPECTOR, Role.ENTERPRISE_PRINCIPAL,
                           Role.SAFETY_MANAGER, Role.EXPERT}  # fmt: skip


def accident_of(world, enterprise=None):
    return accidents.record(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=enterprise or world.inside,
        occurred_at=timezone.now() - timedelta(hours=1),
        place="二号车间",
        summary="机械伤害",
        direct_loss=Decimal("1000"),
    )


def targets(plan):
    return set(plan.targets.values_list("enterprise__name", flat=True))


@pytest.mark.django_db
def test_the_county_gets_its_own_county_and_the_city_the_whole_city(world):
    other = Enterprise.objects.get(pk=world.sibling.pk)
    assert other.sector == world.inside.sector
    accident = accident_of(world)
    county = analogy.propose(actor=world.user(Role.COUNTY_ADMIN), accident=accident)
    assert county.state == "draft" and county.kind == "patrol_timely"
    assert targets(county) == set()  # the only other same-sector enterprise is in 西夏区
    city = analogy.propose(actor=world.user(Role.CITY_ADMIN), accident=accident)
    assert targets(city) == {world.sibling.name}
    reason = city.targets.get().reason_text
    assert world.inside.name in reason


@pytest.mark.django_db
def test_outside_the_scope_it_is_404_and_others_may_not_plan(world):
    outside = accident_of(world, world.outside)
    with pytest.raises(NotFound):
        analogy.propose(actor=world.user(Role.COUNTY_ADMIN), accident=outside)
    with pytest.raises(NotPermitted):
        analogy.propose(actor=world.user(Role.SAFETY_MANAGER), accident=accident_of(world))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_proposal_screen_by_role(world, client, role):
    accident = accident_of(world)
    client.force_login(world.users[role])
    response = client.post(f"/inspections/analogy/{accident.pk}/")
    expected = 302 if role in PLANNER_ROLES else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    assert Plan.objects.exists() == (expected == 302)

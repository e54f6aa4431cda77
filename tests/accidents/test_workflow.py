"""The `accident` table walked through the real services: for every state, move and role,
allowed or refused with the exact error of the family, and where an allowed move lands."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.accidents import services
from safeloop.accidents.choices import AccidentState
from safeloop.accidents.models import Accident
from safeloop.accidents.workflow import ACCIDENT_WORKFLOW
from safeloop.core.errors import IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.core.workflow import CREATED
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.scope import ROLES

FIELDS = {"place": "二号车间", "summary": "机械伤害", "direct_loss": Decimal("1000")}
# The permission each move is locked for (scope_roles of Accident).
MAY = {"correct": REGULATORS | ENTERPRISE_STAFF, "void": REGULATORS}
AUDIT = {"report": "record", "correct": "update", "void": "void"}


def kinds_of(role) -> set[str]:
    """What each role of the world is for an accident of `world.inside`."""
    if role in ENTERPRISE_STAFF:
        return {"enterprise"}
    if role in REGULATORS:
        return {"regulator"}
    return set()


@pytest.fixture
def in_state(world, make_accident):
    def make(state):
        accident = make_accident()
        if state == AccidentState.VOIDED:
            accident = services.void(
                actor=world.user(Role.COUNTY_ADMIN), accident=accident, reason="误报", version=1
            )
        return accident

    return make


@pytest.mark.parametrize("role", ROLES)
def test_reporting_creates_a_reported_record(world, role):
    user = world.users[role]
    transition = ACCIDENT_WORKFLOW.get(CREATED, "report")
    when = timezone.now() - timedelta(minutes=10)
    report = dict(actor=user, enterprise=world.inside, occurred_at=when, **FIELDS)
    if role is None:  # sees no enterprise: the key reads as unknown
        with pytest.raises(Invalid):
            services.record(**report)
    elif not transition.actors & kinds_of(role):
        with pytest.raises(NotPermitted):
            services.record(**report)
    else:
        accident = services.record(**report)
        assert accident.state == ACCIDENT_WORKFLOW.landing(CREATED, "report")
        assert AuditEntry.objects.filter(
            action="accidents.accident.record", object_id=str(accident.pk), actor=user
        ).exists()
        return
    assert not Accident.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(AccidentState))
@pytest.mark.parametrize("move", ["correct", "void"])
def test_every_state_move_and_role(world, in_state, role, state, move):
    accident = in_state(state)
    user = world.users[role]
    transition = ACCIDENT_WORKFLOW._by_key.get((state, move))
    kwargs = {"deaths": 3, "reason": "续报"} if move == "correct" else {"reason": "重复录入"}
    call = services.MOVES[move]
    if role is None:  # sees nothing
        expected: type[Exception] | None = NotFound
    elif role not in MAY[move]:  # sees it, may not do this to it
        expected = NotPermitted
    elif transition is None:  # no such move from this state
        expected = IllegalMove
    elif not transition.actors & kinds_of(role):
        expected = NotPermitted
    else:
        expected = None
    if expected is not None:
        with pytest.raises(expected):
            call(actor=user, accident=accident, version=accident.version, **kwargs)
        after = Accident.objects.get(pk=accident.pk)
        assert (after.state, after.version) == (state, accident.version)
        return
    done = call(actor=user, accident=accident, version=accident.version, **kwargs)
    assert done.state == ACCIDENT_WORKFLOW.landing(state, move)
    after = Accident.objects.get(pk=accident.pk)
    assert (after.state, after.version) == (done.state, accident.version + 1)
    assert AuditEntry.objects.filter(
        action=f"accidents.accident.{AUDIT[move]}", object_id=str(accident.pk), actor=user
    ).exists()


def test_a_move_on_a_stale_version_or_without_one_changes_nothing(world, make_accident):
    from safeloop.core.errors import Conflict

    accident = make_accident()
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(Conflict):
        services.update(actor=admin, accident=accident, version=7, deaths=1)
    with pytest.raises(Invalid) as error:
        services.update(actor=admin, accident=accident, version=None, deaths=1)
    assert set(error.value.fields()) == {"version"}
    with pytest.raises(Invalid) as error:
        services.void(actor=admin, accident=accident, version=1, reason=" ")
    assert set(error.value.fields()) == {"reason"}
    assert Accident.objects.get(pk=accident.pk).version == 1


def test_outside_the_scope_is_not_found(world, make_accident):
    outside = make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    for role in (Role.COUNTY_ADMIN, Role.SAFETY_MANAGER, Role.EXPERT):
        with pytest.raises(NotFound):
            services.update(actor=world.user(role), accident=outside, version=1, deaths=1)
        with pytest.raises(NotFound):
            services.void(actor=world.user(role), accident=outside, version=1, reason="x")

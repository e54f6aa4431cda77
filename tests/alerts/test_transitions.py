"""Acknowledging and closing warnings: the transition table walked through the real services
for every state, move and role (allowed or refused with the exact error, and the landing
state), the guards (note, version, scope), and the audit entries."""

import pytest

from safeloop.alerts import evaluation, services
from safeloop.alerts.choices import RuleCode, WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.workflow import WARNING_WORKFLOW
from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.core.workflow import CREATED
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.alerts.test_rules import licence
from tests.scope import ROLES


@pytest.fixture
def make_warning(world, rule):
    def make(enterprise=None, state=WarningState.OPEN):
        enterprise = enterprise or world.inside
        number = f"L{EarlyWarning.objects.count()}"
        licence(enterprise, 20, number=number)
        evaluation.evaluate(rule(RuleCode.LICENCE_EXPIRY))
        warning = EarlyWarning.objects.get(subject_label__endswith=number)
        # Reach `state` the way people do: through the services.
        regulator = world.user(Role.SYSTEM_ADMIN)
        if state == WarningState.ACKNOWLEDGED:
            warning = services.acknowledge(warning=warning, actor=regulator)
        elif state == WarningState.CLOSED:
            warning = services.close(warning=warning, actor=regulator, note="已处理")
        return warning

    return make


def expected_kinds(role, inside: bool) -> set[str]:
    if role is None or not inside and role != Role.SYSTEM_ADMIN:
        return set()
    kinds = set()
    if role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER):
        kinds.add("enterprise")
    if role in REGULATORS:
        kinds.add("regulator")
    return kinds


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(WarningState))
@pytest.mark.parametrize("move", sorted(services.MOVES))  # people's moves; "raise" below
def test_every_state_move_and_role(world, make_warning, role, state, move):
    warning = make_warning(state=state)
    user = world.users[role]
    kinds = expected_kinds(role, inside=True)
    transition = next(
        (t for t in WARNING_WORKFLOW.transitions if t.move == move and state in t.sources), None
    )
    call = services.MOVES[move]
    if role is None:  # signed in without a role: sees nothing
        with pytest.raises(NotFound):
            call(warning=warning, actor=user, note="处理完毕")
    elif role not in REGULATORS | ENTERPRISE_STAFF:  # sees the warning, may not change it
        with pytest.raises(NotPermitted):
            call(warning=warning, actor=user, note="处理完毕")
    elif transition is None:
        with pytest.raises(IllegalMove):
            call(warning=warning, actor=user, note="处理完毕")
    elif not transition.actors & kinds:
        with pytest.raises(NotPermitted):
            call(warning=warning, actor=user, note="处理完毕")
    else:
        done = call(warning=warning, actor=user, note="处理完毕", version=warning.version)
        assert done.state == WARNING_WORKFLOW.landing(state, move) == transition.target
        assert done.version == warning.version + 1
        assert AuditEntry.objects.filter(
            action=f"alerts.earlywarning.{move}", object_id=str(warning.pk), actor=user
        ).exists()
        assert EarlyWarning.objects.get(pk=warning.pk).state == transition.target
        return
    after = EarlyWarning.objects.get(pk=warning.pk)
    assert (after.state, after.version) == (state, warning.version)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_moves_a_warning_outside_their_scope(world, make_warning, role):
    warning = make_warning(enterprise=world.outside)
    user = world.users[role]
    if role == Role.SYSTEM_ADMIN:
        services.acknowledge(warning=warning, actor=user)
        return
    with pytest.raises(NotFound):
        services.acknowledge(warning=warning, actor=user)
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN


def test_closing_needs_a_note_and_a_fresh_version(world, make_warning):
    warning = make_warning()
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(Invalid) as error:
        services.close(warning=warning, actor=admin, note="  ")
    assert set(error.value.fields()) == {"note"}
    with pytest.raises(Conflict):
        services.close(warning=warning, actor=admin, note="已督促", version=warning.version + 5)
    with pytest.raises(Invalid):
        services.close(warning=warning, actor=admin, note="x" * 2001)
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN
    closed = services.close(warning=warning, actor=admin, note="已督促办理延期")
    assert closed.closed_by == admin and closed.note == "已督促办理延期"


def test_a_closed_warning_is_not_raised_again_in_the_same_period(world, make_warning, rule):
    warning = make_warning()
    services.close(warning=warning, actor=world.user(Role.COUNTY_ADMIN), note="已处理")
    assert evaluation.evaluate(rule(RuleCode.LICENCE_EXPIRY))["raised"] == 0


def test_the_job_raises_in_the_state_the_table_gives(world, make_warning):
    assert make_warning().state == WARNING_WORKFLOW.landing(CREATED, "raise")

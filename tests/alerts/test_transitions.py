"""Acknowledging and closing warnings: the transition table walked for every state, move and
role, the guards (note, version, scope), and the audit entries."""

import pytest

from safeloop.alerts import evaluation, services
from safeloop.alerts.choices import RuleCode, WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.workflow import WARNING_WORKFLOW
from safeloop.core.errors import Conflict, IllegalMove, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import REGULATORS, Role
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
        if state != WarningState.OPEN:
            EarlyWarning.objects.filter(pk=warning.pk).update(state=state)
            warning.refresh_from_db()
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
@pytest.mark.parametrize("move", WARNING_WORKFLOW.moves)
def test_every_state_move_and_role(world, make_warning, role, state, move):
    warning = make_warning(state=state)
    user = world.users[role]
    kinds = expected_kinds(role, inside=True)
    transition = next(
        (t for t in WARNING_WORKFLOW.transitions if t.move == move and state in t.sources), None
    )
    call = services.MOVES[move]
    if role is None:  # signed in without a role: sees nothing
        with pytest.raises(EarlyWarning.DoesNotExist):
            call(warning=warning, actor=user, note="处理完毕")
    elif transition is None:
        with pytest.raises(IllegalMove):
            call(warning=warning, actor=user, note="处理完毕")
    elif not transition.actors & kinds:
        with pytest.raises(NotPermitted):
            call(warning=warning, actor=user, note="处理完毕")
    else:
        done = call(warning=warning, actor=user, note="处理完毕", version=warning.version)
        assert done.state == transition.target
        assert done.version == warning.version + 1
        assert AuditEntry.objects.filter(
            action=f"alerts.earlywarning.{move}", object_id=str(warning.pk), actor=user
        ).exists()
    assert EarlyWarning.objects.get(pk=warning.pk).state in (
        state,
        transition and transition.target,
    )


@pytest.mark.parametrize("role", ROLES)
def test_nobody_moves_a_warning_outside_their_scope(world, make_warning, role):
    warning = make_warning(enterprise=world.outside)
    user = world.users[role]
    if role == Role.SYSTEM_ADMIN:
        services.acknowledge(warning=warning, actor=user)
        return
    with pytest.raises(EarlyWarning.DoesNotExist):
        services.acknowledge(warning=warning, actor=user)
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN


def test_closing_needs_a_note_and_a_fresh_version(world, make_warning):
    warning = make_warning()
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(IllegalMove) as error:
        services.close(warning=warning, actor=admin, note="  ")
    assert error.value.field == "note"
    with pytest.raises(Conflict):
        services.close(warning=warning, actor=admin, note="已督促", version=warning.version + 5)
    with pytest.raises(IllegalMove):
        services.close(warning=warning, actor=admin, note="x" * 2001)
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN
    closed = services.close(warning=warning, actor=admin, note="已督促办理延期")
    assert closed.closed_by == admin and closed.note == "已督促办理延期"


def test_a_closed_warning_is_not_raised_again_in_the_same_period(world, make_warning, rule):
    warning = make_warning()
    services.close(warning=warning, actor=world.user(Role.COUNTY_ADMIN), note="已处理")
    assert evaluation.evaluate(rule(RuleCode.LICENCE_EXPIRY))["raised"] == 0

"""The case lifecycle walked over its whole table through the real services: every state
reached, every move tried from it (allowed moves land where the table says, others 409),
landing states included; the actor kinds with their exact statuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.core.errors import (
    IllegalMove,
    Invalid,
    NotFound,
    NotPermitted,
    fields_for,
    status_for,
)
from safeloop.crackdown import services
from safeloop.crackdown.models import Case
from safeloop.crackdown.workflow import CASE_WORKFLOW
from safeloop.orgs.roles import REGULATORS, Role
from tests.crackdown.conftest import advance
from tests.scope import ROLES


def _field(error) -> str:
    return next(iter(fields_for(error)))


STATES = ["registered", "verifying", "disposing", "tracking", "closed", "not_filed"]


def _try(move, case, actor):
    today = timezone.localdate()
    calls = {
        "verify": lambda: services.verify(actor=actor, case=case),
        "decline": lambda: services.decline(actor=actor, case=case, reason="无违法行为"),
        "file": lambda: services.file_case(actor=actor, case=case, verification="属实"),
        "add_action": lambda: services.add_action(
            actor=actor, case=case, kind="shut", decided_on=today, document_number="文书1"
        ),
        "void_action": lambda: services.void_action(
            actor=actor, action=case.actions.first(), reason="录错"
        ),
        "follow": lambda: services.start_follow_up(actor=actor, case=case),
        "revisit": lambda: services.add_revisit(
            actor=actor, case=case, visited_on=today, still_closed=True
        ),
        "relapse": lambda: services.add_revisit(
            actor=actor, case=case, visited_on=today, still_closed=False, note="又开工了"
        ),
        "close": lambda: services.close_case(actor=actor, case=case),
    }
    return calls[move]()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("move", [m for m in CASE_WORKFLOW.moves if m != "register"])
def test_it_allows_exactly_the_moves_of_the_table(world, make_case, state, move):
    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, state)
    assert case.state == state
    if state == "disposing":  # an action to void, and to start the follow-up with
        services.add_action(
            actor=admin,
            case=case,
            kind="shut",
            decided_on=timezone.localdate(),
            document_number="1",
        )
        case.refresh_from_db()
    allowed = move in CASE_WORKFLOW.moves_for(state, CASE_WORKFLOW.actor_kinds)
    if move == "void_action" and not case.actions.exists():
        assert not allowed  # no action exists in this state to void
        return
    if move == "close" and allowed:
        services.add_revisit(
            actor=admin, case=case, visited_on=timezone.localdate(), still_closed=True
        )
        services.add_revisit(
            actor=admin, case=case, visited_on=timezone.localdate(), still_closed=True
        )
        case.refresh_from_db()
    if allowed:
        _try(move, case, admin)
        case.refresh_from_db()
        assert case.state == CASE_WORKFLOW.landing(state, move)
    else:
        with pytest.raises(IllegalMove) as caught:
            _try(move, case, admin)
        assert status_for(caught.value) == 409
        case.refresh_from_db()
        assert case.state == state


def test_a_case_runs_its_whole_course_and_stays_on_record(world, make_case):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    case = make_case()
    assert case.state == "registered" and case.number.startswith("DF")
    services.verify(actor=inspector, case=case)
    services.file_case(actor=inspector, case=case, verification="无证生产属实")
    action = services.add_action(
        actor=inspector,
        case=case,
        kind="ban",
        decided_on=timezone.localdate(),
        document_number="兴应急取字〔2026〕9号",
    )
    services.start_follow_up(actor=inspector, case=case)
    today = timezone.localdate()
    services.add_revisit(actor=inspector, case=case, visited_on=today, still_closed=True)
    case.refresh_from_db()
    with pytest.raises(Invalid):  # the rule asks for two re-visits finding it closed
        services.close_case(actor=inspector, case=case)
    services.add_revisit(actor=inspector, case=case, visited_on=today, still_closed=True)
    services.close_case(actor=inspector, case=case, note="两次回访未复产")
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_on == today
    assert case.actions.get() == action and case.follow_ups.count() == 2


def test_a_site_working_again_sends_the_case_back(world, make_case):
    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, "tracking")
    services.add_revisit(actor=admin, case=case, visited_on=timezone.localdate(), still_closed=True)
    with pytest.raises(Invalid) as caught:
        services.add_revisit(
            actor=admin, case=case, visited_on=timezone.localdate(), still_closed=False
        )
    assert _field(caught.value) == "note"
    services.add_revisit(
        actor=admin, case=case, visited_on=timezone.localdate(), still_closed=False, note="复产"
    )
    case.refresh_from_db()
    assert case.state == "disposing" and case.tracking_since is None


def test_a_case_with_only_a_fine_closes_without_re_visits(world, make_case):
    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, "tracking", kind="fine")
    services.close_case(actor=admin, case=case)
    case.refresh_from_db()
    assert case.state == "closed"


def test_follow_up_needs_an_action_and_a_voided_one_does_not_count(world, make_case):
    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, "disposing")
    with pytest.raises(Invalid):
        services.start_follow_up(actor=admin, case=case)
    action = services.add_action(
        actor=admin, case=case, kind="shut", decided_on=timezone.localdate(), document_number="1"
    )
    services.void_action(actor=admin, action=action, reason="录错")
    with pytest.raises(Invalid):
        services.start_follow_up(actor=admin, case=case)
    assert case.actions.get().voided_at is not None


SUPERVISING = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_moves_a_case_in_its_scope_with_the_exact_status(world, make_case, role):
    user = world.user(role) if role else world.users[None]
    inside = make_case()
    try:
        services.verify(actor=user, case=inside)
        status = 200
    except Exception as error:  # noqa: BLE001 - the status is what is asserted
        status = status_for(error)
    assert status == (200 if role in REGULATORS else 404)
    inside.refresh_from_db()
    try:
        services.decline(actor=user, case=inside, reason="无违法行为")
        status = 200
    except Exception as error:  # noqa: BLE001
        status = status_for(error)
    expected = 200 if role in SUPERVISING else 403 if role in REGULATORS else 404
    assert status == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_case_outside_the_scope_is_not_found(world, make_case, role):
    user = world.user(role) if role else world.users[None]
    outside = make_case("outside")
    if role == Role.SYSTEM_ADMIN:
        services.verify(actor=user, case=outside)
        return
    with pytest.raises(NotFound):
        services.verify(actor=user, case=outside)


def test_a_regulator_cannot_register_a_case_outside_the_scope(world, make_case):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    with pytest.raises(Invalid) as caught:
        services.register_case(
            actor=inspector,
            source="patrol",
            subject_name="作坊",
            facts="事实",
            location="某地",
            found_on=timezone.localdate(),
            region=world.other_county,
        )
    assert _field(caught.value) == "region"
    grid_user = world.user(Role.GRID_INSPECTOR)
    case = services.register_case(
        actor=grid_user,
        source="patrol",
        subject_name="作坊",
        facts="事实",
        location="某地",
        found_on=timezone.localdate(),
        grid=world.grid,
    )
    assert case.region_code == "640104" and case.park_id == world.park.pk
    with pytest.raises(NotPermitted):
        services.decline(actor=grid_user, case=case, reason="无")
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"source": "referral"}, "referred_by"),
        ({"source": "hidden_danger"}, "hazard"),
        ({"source": "inspection"}, "visit"),
        ({"source": "bogus"}, "source"),
        ({"subject_name": "  "}, "subject_name"),
        ({"facts": ""}, "facts"),
        ({"found_on": timezone.localdate() + timedelta(days=1)}, "found_on"),
        ({"latitude": 38.5}, "latitude"),
    ],
)
def test_bad_cases_are_refused_on_their_field(world, make_case, extra, field):
    with pytest.raises(Invalid) as caught:
        make_case(**extra)
    assert _field(caught.value) == field
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"kind": "fine"}, "amount"),
        ({"kind": "fine", "amount": -5}, "amount"),
        ({"kind": "ban", "amount": 100}, "amount"),
        ({"kind": "transfer"}, "transferred_to"),
        ({"kind": "ban", "document_number": " "}, "document_number"),
        ({"kind": "nope"}, "kind"),
        ({"kind": "ban", "decided_on": timezone.localdate() + timedelta(days=1)}, "decided_on"),
    ],
)
def test_bad_actions_are_refused_on_their_field(world, make_case, extra, field):
    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, "disposing")
    fields = {"decided_on": timezone.localdate(), "document_number": "文书", **extra}
    with pytest.raises(Invalid) as caught:
        services.add_action(actor=admin, case=case, **fields)
    assert _field(caught.value) == field
    assert not case.actions.exists()

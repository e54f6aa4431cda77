"""Every (state, move, role) of the transition table, for each kind of hazard: the allowed
combinations succeed, every other one is refused, and a refused move changes nothing.

The expected actors below are written out by hand from the rules in the issue, not derived
from the code under test."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from safeloop.core.errors import IllegalMove, NotPermitted
from safeloop.core.workflow import CREATED
from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.hazards.workflow import HAZARD_WORKFLOW
from safeloop.orgs.roles import Role

R = Role
REGULATORS = {
    R.SYSTEM_ADMIN,
    R.CITY_ADMIN,
    R.CITY_INSPECTOR,
    R.COUNTY_ADMIN,
    R.COUNTY_INSPECTOR,
    R.PARK_OFFICER,
    R.GRID_INSPECTOR,
}
ENTERPRISE = {R.ENTERPRISE_PRINCIPAL, R.SAFETY_MANAGER}
COUNTY_LEVEL = {R.SYSTEM_ADMIN, R.COUNTY_ADMIN, R.COUNTY_INSPECTOR}  # lists; supervises
SUBMITTER = R.SAFETY_MANAGER

VARIANTS = {
    "general, self-found": {"level": Level.GENERAL, "by_regulator": False},
    "general, regulator-found": {"level": Level.GENERAL, "by_regulator": True},
    "major, listed by the county": {"level": Level.MAJOR, "by_regulator": False},
}


def expected_roles(move: str, variant: str) -> set:
    """Who may make `move` on this kind of hazard, by the issue's rules."""
    major = VARIANTS[variant]["level"] == Level.MAJOR
    by_regulator = VARIANTS[variant]["by_regulator"]
    if move in ("confirm", "reject"):
        return ENTERPRISE | REGULATORS
    if move in ("plan", "submit", "request_extension"):
        return ENTERPRISE
    if move == "list":
        return COUNTY_LEVEL
    if move == "decide_extension":
        return COUNTY_LEVEL if major else REGULATORS
    if move in ("accept", "return"):
        acceptors = COUNTY_LEVEL if major else REGULATORS if by_regulator else ENTERPRISE
        return acceptors - {SUBMITTER}
    if move == "void":
        return REGULATORS
    raise AssertionError(move)


def arguments(move: str, hazard: Hazard) -> dict:
    later = timezone.localdate() + timedelta(days=90)
    return {
        "confirm": {"deadline": timezone.localdate() + timedelta(days=30)},
        "reject": {"reason": "重复上报"},
        "plan": {"measures": "加装联锁"},
        "list": {"deadline": later},
        "submit": {"evidence": "已加装", "funds_spent": 100},
        "request_extension": {"new_deadline": later, "reason": "设备到货延迟"},
        "decide_extension": {"approve": True},
        "accept": {"opinion": "整改合格", "expert_report": "专家组验收意见"},
        "return": {"reason": "未完成"},
        "void": {"reason": "误报"},
    }[move]


SERVICE = {
    "confirm": services.confirm,
    "reject": services.reject,
    "plan": services.plan,
    "list": services.list_hazard,
    "submit": services.submit,
    "request_extension": services.request_extension,
    "decide_extension": services.decide_extension,
    "accept": services.accept,
    "return": services.return_for_rectification,
    "void": services.void,
}
MOVES = sorted(SERVICE)
STATES = list(State)


def test_the_table_names_exactly_the_moves_the_services_make():
    assert set(HAZARD_WORKFLOW.moves) == set(MOVES) | {"register", "fix_on_spot", "report"}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize("state", STATES)
def test_every_state_move_and_role(world, make_hazard, state, move, variant):
    in_table = any(s == state and m == move for s, m, _, _ in HAZARD_WORKFLOW.rows())
    roles = expected_roles(move, variant)
    options = dict(VARIANTS[variant])
    if move == "list":
        options["listed"] = False
    if move == "decide_extension":
        options["extension"] = True
    hazard = make_hazard(state=state, **options)
    applies = not (move == "list" and options["level"] == Level.GENERAL)
    for role in [*Role, None]:
        user = world.users[role]
        should_succeed = in_table and applies and role in roles
        before = Hazard.objects.get(pk=hazard.pk)
        try:
            with transaction.atomic():
                SERVICE[move](hazard=hazard, actor=user, **arguments(move, hazard))
                succeeded = True
                transaction.set_rollback(True)
        except (IllegalMove, NotPermitted, Hazard.DoesNotExist):
            succeeded = False
        assert succeeded is should_succeed, (state, move, variant, role)
        after = Hazard.objects.get(pk=hazard.pk)
        assert (after.state, after.version) == (before.state, before.version)


def test_invisible_hazards_are_not_found(world, make_hazard):
    hazard = make_hazard()
    for role in [None]:
        with pytest.raises(Hazard.DoesNotExist):
            services.void(hazard=hazard, actor=world.users[role], reason="x")


@pytest.mark.parametrize("role", [*Role, None])
@pytest.mark.parametrize("move", ["register", "fix_on_spot"])
def test_who_may_create_a_hazard(world, departments, role, move):
    allowed = role in ENTERPRISE | REGULATORS
    create = services.register if move == "register" else services.fix_on_spot
    extra = {"deadline_working_days": 5} if move == "register" else {"evidence": "当场整改"}
    try:
        with transaction.atomic():
            hazard, created = create(
                actor=world.users[role],
                enterprise=world.inside,
                level=Level.GENERAL,
                source="1",
                category="1",
                place="仓库",
                description="通道堵塞",
                **extra,
            )
            succeeded = created
    except (IllegalMove, NotPermitted):
        succeeded = False
    assert succeeded is allowed
    if allowed:
        expected = State.RECTIFYING if move == "register" else State.AWAITING
        assert hazard.state == expected
        assert hazard.events.get().move == move


@pytest.mark.parametrize("role", [*Role, None])
def test_anyone_may_report(world, role):
    hazard, created = services.report(
        actor=world.users[role],
        enterprise=world.inside,
        place="厂区东门",
        description="消防通道被占",
    )
    assert created and hazard.state == State.PENDING


def test_creation_moves_exist_only_for_new_hazards():
    for move in ["register", "fix_on_spot", "report"]:
        states = {s for s, m, _, _ in HAZARD_WORKFLOW.rows() if m == move}
        assert states == {CREATED}


def test_the_docs_show_the_current_table():
    from pathlib import Path

    from safeloop.hazards.management.commands.render_workflow import table_markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "hazards.md"
    assert table_markdown() in docs.read_text(encoding="utf-8")

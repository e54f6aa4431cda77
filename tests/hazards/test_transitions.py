"""Every (state, move, role) of the transition table, for each kind of hazard, through the
real services: an allowed move lands where the table says (and an extension where its own
table says), every other one is refused with exactly one error — 404 invisible, 403 visible
but not permitted, 409 not a move of this state, 400 bad input — and a refused move changes
nothing.

The expected actors below are written out by hand from the rules in the issue, not derived
from the code under test."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from safeloop.core.errors import IllegalMove, Invalid, NotFound, NotPermitted, ServiceError
from safeloop.core.workflow import CREATED
from safeloop.hazards import services
from safeloop.hazards.choices import ExtensionStatus, Level, State
from safeloop.hazards.models import Extension, Hazard
from safeloop.hazards.workflow import EXTENSION_WORKFLOW, HAZARD_WORKFLOW
from safeloop.orgs.roles import Role
from tests.photos import photo
from tests.scope import ROLES

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
        "submit": {"evidence": "已加装", "funds_spent": 100, "photos": [photo()]},
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


def expected_error(state, move: str, variant: str, role, hazard: Hazard, user):
    """The one error the services must answer, or None when the move must succeed."""
    if role is None:
        return NotFound  # no grant: the hazard is not there for them (404)
    if role not in ENTERPRISE | REGULATORS:
        return NotPermitted  # sees it, changes nothing (403)
    if move in ("accept", "return") and hazard.submitted_by_id == user.pk:
        return NotPermitted  # separation of duties, whatever the state
    if (state, move) not in {(s, m) for s, m, _, _ in HAZARD_WORKFLOW.rows()}:
        return IllegalMove  # no such move in this state (409)
    if role not in expected_roles(move, variant):
        return NotPermitted
    if move == "list" and VARIANTS[variant]["level"] == Level.GENERAL:
        return Invalid  # the move exists, its input does not fit (400)
    return None


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize("state", STATES)
def test_every_state_move_and_role(world, make_hazard, state, move, variant):
    options = dict(VARIANTS[variant])
    if move == "list":
        options["listed"] = False
    if move == "decide_extension":
        options["extension"] = True
    hazard = make_hazard(state=state, **options)
    for role in ROLES:
        user = world.users[role]
        expected = expected_error(state, move, variant, role, hazard, user)
        before = Hazard.objects.get(pk=hazard.pk)
        extensions = dict(Extension.objects.filter(hazard=hazard).values_list("pk", "status"))
        error = None
        with transaction.atomic():
            try:
                result = SERVICE[move](hazard=hazard, actor=user, **arguments(move, hazard))
            except ServiceError as caught:
                error = caught
            else:
                landed = Hazard.objects.get(pk=hazard.pk)
                where = (state, move, variant, role)
                assert landed.state == HAZARD_WORKFLOW.landing(state, move), where
                assert landed.version == before.version + 1, where
                assert landed.events.latest("id").move == move, where
                if move == "request_extension":
                    landing = EXTENSION_WORKFLOW.landing(CREATED, "request")
                    assert Extension.objects.get(pk=result.pk).status == landing, where
                if move == "decide_extension":
                    landing = EXTENSION_WORKFLOW.landing(ExtensionStatus.REQUESTED, "approve")
                    assert Extension.objects.get(pk=result.pk).status == landing, where
            transaction.set_rollback(True)
        got = type(error) if error is not None else None
        assert got is expected, (state, move, variant, role, error)
        after = Hazard.objects.get(pk=hazard.pk)
        assert (after.state, after.version) == (before.state, before.version)
        assert dict(Extension.objects.filter(hazard=hazard).values_list("pk", "status")) == (
            extensions
        )


def test_a_refused_extension_lands_where_its_table_says(world, make_hazard):
    hazard = make_hazard(extension=True)
    extension = services.decide_extension(
        hazard=hazard, actor=world.user(R.COUNTY_ADMIN), approve=False, note="理由不足"
    )
    assert extension.status == EXTENSION_WORKFLOW.landing(ExtensionStatus.REQUESTED, "refuse")
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and hazard.extensions_count == 0


def test_invisible_hazards_are_not_found(world, make_hazard):
    hazard = make_hazard()
    with pytest.raises(NotFound):
        services.void(hazard=hazard, actor=world.users[None], reason="x")
    from tests.hazards.test_views import hazard_on

    outside = hazard_on(world.outside)
    with pytest.raises(NotFound):  # the city of Yinchuan does not see Shizuishan's hazards
        services.void(hazard=outside, actor=world.user(R.CITY_ADMIN), reason="x")
    with pytest.raises(NotPermitted):  # an expert sees the hazard but changes nothing
        services.void(hazard=hazard, actor=world.user(R.EXPERT), reason="x")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("move", ["register", "fix_on_spot"])
def test_who_may_create_a_hazard(world, departments, role, move):
    allowed = role in ENTERPRISE | REGULATORS
    create = services.register if move == "register" else services.fix_on_spot
    extra = {"deadline_working_days": 5} if move == "register" else {"evidence": "当场整改"}
    arguments = dict(
        actor=world.users[role],
        enterprise=world.inside,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="仓库",
        description="通道堵塞",
        **extra,
    )
    if not allowed:
        with pytest.raises(NotPermitted):
            create(**arguments)
        assert not Hazard.objects.exists()
        return
    hazard, created = create(**arguments)
    assert created
    if allowed:
        expected = State.RECTIFYING if move == "register" else State.AWAITING
        assert hazard.state == expected
        assert hazard.events.get().move == move


@pytest.mark.parametrize("role", ROLES)
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


def test_the_docs_show_the_current_tables():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "hazards.md").read_text()
    assert HAZARD_WORKFLOW.render() in docs and EXTENSION_WORKFLOW.render() in docs

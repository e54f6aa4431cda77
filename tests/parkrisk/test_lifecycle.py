"""The assessment and measure tables walked through the real services: every state, every
move, an actor of every kind (and one who takes no part), with the exact status and the
landing state."""

import pytest
from django.utils import timezone

from safeloop.core.errors import status_for
from safeloop.orgs.roles import Role
from safeloop.parkrisk import services
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import FollowUp, ParkAssessment
from safeloop.parkrisk.workflow import ASSESSMENT_WORKFLOW, MEASURE_WORKFLOW
from tests.parkrisk.conftest import make, measure

# One role per actor kind, and a role that sees no park assessment.
KIND_OF = {
    Role.PARK_OFFICER: "park",
    Role.COUNTY_INSPECTOR: "county",
    Role.CITY_ADMIN: "city",
    Role.GRID_INSPECTOR: None,
}
SERVICES = {
    "edit": lambda a, actor: services.edit_assessment(
        actor=actor, assessment=a, version=a.version, conclusion="修订后的结论"
    ),
    "submit": lambda a, actor: services.submit(actor=actor, assessment=a, version=a.version),
    "review": lambda a, actor: services.review(actor=actor, assessment=a, version=a.version),
    "return": lambda a, actor: services.return_assessment(
        actor=actor, assessment=a, version=a.version, note="专家意见需补充"
    ),
    "approve": lambda a, actor: services.approve(actor=actor, assessment=a, version=a.version),
}


def _outcome(call):
    try:
        return 200, call()
    except Exception as error:  # the service error family only
        status = status_for(error)
        if status is None:
            raise
        return status, None


@pytest.mark.parametrize("state", list(AssessmentState))
@pytest.mark.parametrize("move", list(SERVICES))
@pytest.mark.parametrize("role", list(KIND_OF))
def test_it_walks_the_assessment_table(world, state, move, role):
    assessment = make(world.park, timezone.localdate().year - 1, state)
    status, _result = _outcome(lambda: SERVICES[move](assessment, world.user(role)))
    # "return" is the table's send_back from reviewed
    table_move = "send_back" if move == "return" and state == AssessmentState.REVIEWED else move
    transition = ASSESSMENT_WORKFLOW._by_key.get((state, table_move))
    kind = KIND_OF[role]
    if kind is None:
        expected = 404
    elif transition is None:
        expected = 409
    elif kind not in transition.actors:
        expected = 403
    else:
        expected = 200
    assert status == expected
    assessment.refresh_from_db()
    landing = (transition.target or state) if expected == 200 else state
    assert assessment.state == landing


@pytest.mark.parametrize("role", list(KIND_OF))
def test_it_lets_only_the_park_start_an_assessment(world, role):
    year = timezone.localdate().year
    status, created = _outcome(
        lambda: services.start_assessment(actor=world.user(role), park=world.park, year=year)
    )
    expected = {"park": 200, "county": 403, "city": 403, None: 403}[KIND_OF[role]]
    assert status == expected
    assert ParkAssessment.objects.filter(park=world.park, year=year).exists() == (status == 200)
    if created:
        assert created.state == AssessmentState.DRAFT and created.version == 1


def test_it_walks_a_whole_year_through_its_states(world):
    officer, county, city = (
        world.user(Role.PARK_OFFICER),
        world.user(Role.COUNTY_ADMIN),
        world.user(Role.CITY_INSPECTOR),
    )
    year = timezone.localdate().year - 1
    a = services.start_assessment(actor=officer, park=world.park, year=year)
    status, _ = _outcome(lambda: services.submit(actor=officer, assessment=a, version=a.version))
    assert status == 400  # the texts are empty
    a = services.edit_assessment(
        actor=officer,
        assessment=a,
        version=a.version,
        experts="王工",
        expert_opinion="储罐区防火间距不足",
        overall_level="B",
        conclusion="较高风险",
    )
    services.add_measure(
        actor=officer,
        assessment=a,
        text="整改储罐区防火间距",
        owner="园区管委会 赵六",
        deadline=timezone.localdate(),
    )
    a = services.submit(actor=officer, assessment=a, version=a.version)
    a = services.return_assessment(actor=county, assessment=a, version=a.version, note="补充")
    assert a.state == AssessmentState.RETURNED and a.review_note == "补充"
    a = services.submit(actor=officer, assessment=a, version=a.version)
    a = services.review(actor=county, assessment=a, version=a.version)
    a = services.return_assessment(actor=city, assessment=a, version=a.version, note="再核")
    a = services.submit(actor=officer, assessment=a, version=a.version)
    a = services.review(actor=county, assessment=a, version=a.version)
    a = services.approve(actor=city, assessment=a, version=a.version)
    assert a.state == AssessmentState.APPROVED and a.indicators["enterprises"] == 1
    status, _ = _outcome(
        lambda: services.edit_assessment(actor=officer, assessment=a, version=a.version)
    )
    assert status == 409
    status, _ = _outcome(lambda: services.approve(actor=city, assessment=a, version=a.version - 1))
    assert status == 409  # stale


MEASURE_SERVICES = {
    "follow_up": services.follow_up,
    "close": services.close_measure,
    "reopen": services.reopen_measure,
}


@pytest.mark.parametrize("state", list(MeasureState))
@pytest.mark.parametrize("move", list(MEASURE_SERVICES))
@pytest.mark.parametrize("role", list(KIND_OF))
def test_it_walks_the_measure_table(world, state, move, role):
    assessment = make(world.park, timezone.localdate().year - 1, AssessmentState.APPROVED)
    m = measure(assessment)
    m.state = state
    m.save()
    status, _ = _outcome(
        lambda: MEASURE_SERVICES[move](
            actor=world.user(role), measure=m, note="已完成", version=m.version
        )
    )
    transition = MEASURE_WORKFLOW._by_key.get((state, move))
    kind = KIND_OF[role]
    if kind is None:
        expected = 404
    elif transition is None:
        expected = 409
    elif kind not in transition.actors:
        expected = 403
    else:
        expected = 200
    assert status == expected
    m.refresh_from_db()
    assert m.state == ((transition.target or state) if expected == 200 else state)
    assert FollowUp.objects.filter(measure=m).count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize("state", list(AssessmentState))
@pytest.mark.parametrize("role", list(KIND_OF))
def test_it_adds_measures_only_while_the_park_writes(world, state, role):
    assessment = make(world.park, timezone.localdate().year - 1, state)
    status, _ = _outcome(
        lambda: services.add_measure(
            actor=world.user(role),
            assessment=assessment,
            text="加装可燃气体报警",
            owner="安监科",
            deadline=timezone.localdate(),
        )
    )
    kind = KIND_OF[role]
    if kind is None:
        expected = 404
    elif kind != "park":
        expected = 403
    else:
        editable = state in (AssessmentState.DRAFT, AssessmentState.RETURNED)
        expected = 200 if editable else 409
    assert status == expected
    assert assessment.measures.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "", "owner": "x", "deadline": "today"}, "text"),
        ({"text": "x", "owner": "  ", "deadline": "today"}, "owner"),
        ({"text": "x" * 301, "owner": "x", "deadline": "today"}, "text"),
        ({"text": "x", "owner": "x", "deadline": "yesterday"}, "deadline"),
        ({"text": "x", "owner": "x", "deadline": "2026-13-01"}, "deadline"),
    ],
)
def test_it_refuses_a_bad_measure_on_its_field(world, fields, field):
    from datetime import timedelta

    from safeloop.core.errors import fields_for

    assessment = make(world.park, timezone.localdate().year - 1)
    today = timezone.localdate()
    fields = dict(fields)
    fields["deadline"] = {"today": today, "yesterday": today - timedelta(days=1)}.get(
        fields["deadline"], fields["deadline"]
    )
    with pytest.raises(Exception) as caught:
        services.add_measure(actor=world.user(Role.PARK_OFFICER), assessment=assessment, **fields)
    assert status_for(caught.value) == 400
    assert field in fields_for(caught.value)
    assert assessment.measures.count() == 0

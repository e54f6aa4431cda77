"""Every screen of the park assessments, for every role inside and outside its scope, with
the exact status."""

import pytest
from django.utils import timezone

from safeloop.orgs.roles import ADMINS, Role
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import AssessmentRule, ParkAssessment
from tests.parkrisk.conftest import CITY_KIND, COUNTY_KIND, PARK_KIND, VIEWERS, make, measure
from tests.scope import ROLES, assert_status


def _login(client, world, role):
    client.force_login(world.users[role])


@pytest.mark.parametrize("role", ROLES)
def test_the_list_is_for_the_regulators_of_parks(world, parks, client, role):
    _login(client, world, role)
    response = client.get("/parkrisk/")
    assert_status(response, 200 if role in VIEWERS else 403)
    if role in VIEWERS:
        html = response.content.decode()
        assert f'data-assessment="{parks.inside.pk}"' in html
        assert (f'data-assessment="{parks.outside.pk}"' in html) == (role == Role.SYSTEM_ADMIN)
        assert (f'data-assessment="{parks.sibling.pk}"' in html) == (
            role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
        )


@pytest.mark.parametrize("role", ROLES)
def test_only_park_officers_start_an_assessment(world, client, role):
    _login(client, world, role)
    year = timezone.localdate().year
    response = client.post("/parkrisk/", {"park": world.park.pk, "year": year})
    created = ParkAssessment.objects.filter(park=world.park, year=year).first()
    if role in PARK_KIND:
        assert_status(response, 302)
        assert response["Location"] == f"/parkrisk/{created.pk}/"
    else:
        assert_status(response, 403)
        assert created is None


def test_a_bad_start_keeps_the_input_and_says_why_in_chinese(world, client):
    _login(client, world, Role.PARK_OFFICER)
    make(world.park, 2024)
    response = client.post("/parkrisk/", {"park": world.park.pk, "year": "2024"})
    assert_status(response, 400)
    html = response.content.decode()
    assert "该园区该年度的评估已存在" in html and 'value="2024"' in html
    response = client.post("/parkrisk/", {"park": "<script>", "year": "x" * 500})
    assert_status(response, 400)
    assert ParkAssessment.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_assessment_page_and_its_report(world, parks, client, role):
    _login(client, world, role)
    for which in ("inside", "outside", "sibling"):
        assessment = getattr(parks, which)
        sees = role in VIEWERS and (
            which == "inside"
            or role == Role.SYSTEM_ADMIN
            or (which == "sibling" and role in {Role.CITY_ADMIN, Role.CITY_INSPECTOR})
        )
        page = client.get(f"/parkrisk/{assessment.pk}/")
        assert_status(page, 200 if sees else 404, f"{which} page")
        pdf = client.get(f"/parkrisk/{assessment.pk}/report.pdf")
        assert_status(pdf, 200 if sees else 404, f"{which} pdf")
        if sees:
            assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
            assert f'href="/parkrisk/{assessment.pk}/report.pdf"' in page.content.decode()


def _post(client, url, data):
    return client.post(url, data)


@pytest.mark.parametrize("role", ROLES)
def test_editing_is_the_parks(world, parks, client, role):
    _login(client, world, role)
    a = parks.inside
    response = client.post(
        f"/parkrisk/{a.pk}/",
        {
            "experts": "新专家",
            "expert_opinion": "意见",
            "overall_level": "B",
            "conclusion": "结论",
            "version": a.version,
        },
    )
    expected = 302 if role in PARK_KIND else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    a.refresh_from_db()
    assert (a.experts == "新专家") == (expected == 302)


MOVES = [
    ("submit", AssessmentState.DRAFT, PARK_KIND, AssessmentState.SUBMITTED),
    ("review", AssessmentState.SUBMITTED, COUNTY_KIND, AssessmentState.REVIEWED),
    ("return", AssessmentState.SUBMITTED, COUNTY_KIND, AssessmentState.RETURNED),
    ("return", AssessmentState.REVIEWED, CITY_KIND, AssessmentState.RETURNED),
    ("approve", AssessmentState.REVIEWED, CITY_KIND, AssessmentState.APPROVED),
]


@pytest.mark.parametrize(("move", "state", "kind", "landing"), MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_each_move_by_its_actors_only(world, client, role, move, state, kind, landing):
    _login(client, world, role)
    a = make(world.park, 2024, state)
    response = client.post(f"/parkrisk/{a.pk}/{move}/", {"version": a.version, "note": "请补充"})
    expected = 302 if role in kind else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    a.refresh_from_db()
    assert a.state == (landing if expected == 302 else state)


def test_a_move_not_possible_now_answers_409_and_an_unknown_one_404(world, client):
    _login(client, world, Role.CITY_ADMIN)
    a = make(world.park, 2024, AssessmentState.DRAFT)
    assert_status(client.post(f"/parkrisk/{a.pk}/approve/", {"version": a.version}), 409)
    assert_status(client.post(f"/parkrisk/{a.pk}/delete/", {"version": a.version}), 404)
    stale = make(world.park, 2023, AssessmentState.REVIEWED)
    assert_status(client.post(f"/parkrisk/{stale.pk}/approve/", {"version": 99}), 409)


def test_submitting_without_the_texts_shows_which_are_missing(world, client):
    _login(client, world, Role.PARK_OFFICER)
    a = make(world.park, 2024, experts="", conclusion="")
    response = client.post(f"/parkrisk/{a.pk}/submit/", {"version": a.version})
    assert_status(response, 400)
    html = response.content.decode()
    assert "请填写参加评估的专家" in html
    a.refresh_from_db()
    assert a.state == AssessmentState.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_measure_is_the_parks(world, parks, client, role):
    _login(client, world, role)
    a = parks.inside
    response = client.post(
        f"/parkrisk/{a.pk}/",
        {
            "form": "measure",
            "text": "完善应急池",
            "owner": "园区 王五",
            "deadline": timezone.localdate().isoformat(),
        },
    )
    expected = 302 if role in PARK_KIND else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    assert a.measures.count() == (1 if expected == 302 else 0)


def test_a_bad_measure_keeps_the_input(world, parks, client):
    _login(client, world, Role.PARK_OFFICER)
    response = client.post(
        f"/parkrisk/{parks.inside.pk}/",
        {"form": "measure", "text": "完善应急池", "owner": "", "deadline": "2020-01-01"},
    )
    assert_status(response, 400)
    html = response.content.decode()
    assert "完善应急池" in html and "该字段是必填项" in html


MEASURE_MOVES = [
    ("follow_up", MeasureState.OPEN, PARK_KIND | COUNTY_KIND, MeasureState.OPEN),
    ("close", MeasureState.OPEN, PARK_KIND | COUNTY_KIND, MeasureState.CLOSED),
    ("reopen", MeasureState.CLOSED, COUNTY_KIND | CITY_KIND, MeasureState.OPEN),
]


@pytest.mark.parametrize(("move", "state", "kind", "landing"), MEASURE_MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_each_measure_move_by_its_actors_only(
    world, parks, client, role, move, state, kind, landing
):
    _login(client, world, role)
    m = measure(parks.inside)
    m.state = state
    m.save()
    response = client.post(
        f"/parkrisk/measures/{m.pk}/{move}/", {"note": "已加装", "version": m.version}
    )
    expected = 302 if role in kind else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    m.refresh_from_db()
    assert m.state == (landing if expected == 302 else state)
    assert m.follow_ups.count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_a_measure_outside_the_scope_is_hidden(world, parks, client, role):
    _login(client, world, role)
    m = measure(parks.outside)
    response = client.post(f"/parkrisk/measures/{m.pk}/follow_up/", {"note": "x", "version": 1})
    # the system administrator sees it, but following it up is the park's or the county's
    assert_status(response, 403 if role == Role.SYSTEM_ADMIN else 404)


def test_a_measure_move_without_a_note_is_400(world, parks, client):
    _login(client, world, Role.PARK_OFFICER)
    m = measure(parks.inside)
    response = client.post(f"/parkrisk/measures/{m.pk}/close/", {"note": "", "version": m.version})
    assert_status(response, 400)
    m.refresh_from_db()
    assert m.state == MeasureState.OPEN


@pytest.mark.parametrize("role", ROLES)
def test_the_rule_screen(world, client, role):
    _login(client, world, role)
    assert_status(client.get("/parkrisk/rules/"), 200 if role in VIEWERS else 403)
    before = AssessmentRule.objects.count()
    response = client.post(
        "/parkrisk/rules/",
        {
            "due_month": 6,
            "due_day": 30,
            "due_year_offset": 1,
            "warn_days": 15,
            "effective_from": "2030-01-01",
            "source": "某文件",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 302 if role in ADMINS else 403)
    assert AssessmentRule.objects.count() == before + (1 if role in ADMINS else 0)


def test_a_bad_rule_is_400_on_its_field(world, client):
    _login(client, world, Role.CITY_ADMIN)
    response = client.post(
        "/parkrisk/rules/",
        {
            "due_month": 2,
            "due_day": 31,
            "due_year_offset": 1,
            "warn_days": 15,
            "effective_from": "2030-01-01",
            "source": "某文件",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 400)
    assert "没有这一天" in response.content.decode()

"""The API of the park assessments for every role inside and outside its scope: the same
services as the screens, the same exact statuses."""

import pytest
from django.utils import timezone

from safeloop.orgs.roles import ADMINS, Role
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import AssessmentRule, Measure, ParkAssessment
from tests.parkrisk.conftest import CITY_KIND, COUNTY_KIND, PARK_KIND, VIEWERS, make, measure
from tests.scope import ROLES, assert_list_in_scope, assert_status

BASE = "/api/v1/park-assessments/"


def _sees(role, which) -> bool:
    if role not in VIEWERS:
        return False
    if which == "inside" or role == Role.SYSTEM_ADMIN:
        return True
    return which == "sibling" and role in {Role.CITY_ADMIN, Role.CITY_INSPECTOR}


@pytest.mark.parametrize("role", ROLES)
def test_the_list_and_the_records_in_scope(world, parks, api, role):
    api.as_user(world.users[role])
    every = {w: getattr(parks, w).pk for w in ("inside", "outside", "sibling")}
    inside = {pk for w, pk in every.items() if _sees(role, w)}
    assert_list_in_scope(api.get(BASE), inside, set(every.values()) - inside)
    for which, pk in every.items():
        response = api.get(f"{BASE}{pk}/")
        assert_status(response, 200 if _sees(role, which) else 404, which)
        if _sees(role, which):
            assert response.json()["figures"]["enterprises"] == (1 if which == "inside" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_park_officers_start_one(world, api, role):
    api.as_user(world.users[role])
    year = timezone.localdate().year
    response = api.post(BASE, {"park": world.park.pk, "year": year, "experts": "张工"})
    assert_status(response, 201 if role in PARK_KIND else 403)
    assert ParkAssessment.objects.filter(year=year).count() == (1 if role in PARK_KIND else 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"park": "x", "year": 2024}, "park"),
        ({"park": 999999, "year": 2024}, "park"),
        ({"year": 2024}, "park"),
        ({"park": "P", "year": "二〇二四"}, "year"),
        ({"park": "P", "year": 2999}, "year"),
        ({"park": "P", "year": 2024, "overall_level": "Z"}, "overall_level"),
        ({"park": "P", "year": 2024, "conclusion": "x" * 5001}, "conclusion"),
        ({"park": "OUT", "year": 2024}, "park"),
    ],
)
def test_bad_input_is_400_on_its_field(world, api, body, field):
    from safeloop.orgs.models import Park

    other = Park.objects.create(name="外市园区", region=world.other_county)
    body = {k: {"P": world.park.pk, "OUT": other.pk}.get(v, v) for k, v in body.items()}
    api.as_user(world.user(Role.PARK_OFFICER))
    response = api.post(BASE, body)
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert not ParkAssessment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_editing_by_the_park_only(world, parks, api, role):
    api.as_user(world.users[role])
    a = parks.inside
    response = api.patch(f"{BASE}{a.pk}/", {"conclusion": "新结论", "version": a.version})
    expected = 200 if role in PARK_KIND else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    a.refresh_from_db()
    assert (a.conclusion == "新结论") == (expected == 200)
    # a record outside the scope is hidden, whatever the role may do inside it
    outside = api.patch(f"{BASE}{parks.outside.pk}/", {"conclusion": "x"})
    # (the system administrator sees it, but writing it is the park's)
    assert_status(outside, 403 if role == Role.SYSTEM_ADMIN else 404)


MOVES = [
    ("submit", AssessmentState.DRAFT, PARK_KIND, AssessmentState.SUBMITTED),
    ("review", AssessmentState.SUBMITTED, COUNTY_KIND, AssessmentState.REVIEWED),
    ("return", AssessmentState.SUBMITTED, COUNTY_KIND, AssessmentState.RETURNED),
    ("return", AssessmentState.REVIEWED, CITY_KIND, AssessmentState.RETURNED),
    ("approve", AssessmentState.REVIEWED, CITY_KIND, AssessmentState.APPROVED),
]


@pytest.mark.parametrize(("move", "state", "kind", "landing"), MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_each_move(world, api, role, move, state, kind, landing):
    api.as_user(world.users[role])
    a = make(world.park, 2024, state)
    response = api.post(f"{BASE}{a.pk}/{move}/", {"version": a.version, "note": "请补充"})
    expected = 200 if role in kind else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    a.refresh_from_db()
    assert a.state == (landing if expected == 200 else state)
    if expected == 200:
        assert response.json()["state"] == landing


def test_a_stale_or_impossible_move_is_409(world, api):
    api.as_user(world.user(Role.CITY_ADMIN))
    a = make(world.park, 2024, AssessmentState.REVIEWED)
    assert_status(api.post(f"{BASE}{a.pk}/approve/", {"version": a.version + 1}), 409)
    assert_status(api.post(f"{BASE}{a.pk}/approve/", {"version": "abc"}), 400)
    draft = make(world.park, 2023)
    assert_status(api.post(f"{BASE}{draft.pk}/approve/", {"version": draft.version}), 409)


def test_a_return_without_a_note_is_400(world, api):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    a = make(world.park, 2024, AssessmentState.SUBMITTED)
    response = api.post(f"{BASE}{a.pk}/return/", {"version": a.version})
    assert_status(response, 400)
    assert "note" in response.json()["error"]["fields"]


MEASURES = "/api/v1/park-measures/"


@pytest.mark.parametrize("role", ROLES)
def test_measures_list_add_and_moves(world, parks, api, role):
    api.as_user(world.users[role])
    inside, outside = measure(parks.inside), measure(parks.outside)
    assert_list_in_scope(
        api.get(MEASURES),
        {inside.pk} if role in VIEWERS else set(),
        ({inside.pk} if role not in VIEWERS else set())
        | (set() if role == Role.SYSTEM_ADMIN else {outside.pk}),
    )
    added = api.post(
        MEASURES,
        {
            "assessment": parks.inside.pk,
            "text": "建设园区视频监控",
            "owner": "园区 周七",
            "deadline": timezone.localdate().isoformat(),
        },
    )
    assert_status(added, 201 if role in PARK_KIND else (403 if role in VIEWERS else 404))
    response = api.post(f"{MEASURES}{inside.pk}/close/", {"note": "已完成", "version": 1})
    closes = PARK_KIND | COUNTY_KIND
    assert_status(response, 200 if role in closes else (403 if role in VIEWERS else 404))
    inside.refresh_from_db()
    assert inside.state == (MeasureState.CLOSED if role in closes else MeasureState.OPEN)
    response = api.post(f"{MEASURES}{outside.pk}/follow-up/", {"note": "x", "version": 1})
    assert_status(response, 403 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", ROLES)
def test_rules_are_read_by_all_and_added_by_administrators(world, api, role):
    api.as_user(world.users[role])
    assert_status(api.get("/api/v1/park-assessment-rules/"), 200)
    before = AssessmentRule.objects.count()
    response = api.post(
        "/api/v1/park-assessment-rules/",
        {
            "due_month": 3,
            "due_day": 31,
            "due_year_offset": 1,
            "warn_days": 30,
            "effective_from": "2031-01-01",
            "source": "文件",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 201 if role in ADMINS else 403)
    assert AssessmentRule.objects.count() == before + (1 if role in ADMINS else 0)


def test_nothing_is_deleted(world, parks, api):
    api.as_user(world.user(Role.SYSTEM_ADMIN))
    m = measure(parks.inside)
    assert_status(api.delete(f"{BASE}{parks.inside.pk}/"), 405)
    assert_status(api.delete(f"{MEASURES}{m.pk}/"), 405)
    assert Measure.objects.filter(pk=m.pk).exists()

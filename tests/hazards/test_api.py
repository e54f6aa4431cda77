"""The hazards API for every role inside and outside its scope, the move endpoints, the
Idempotency-Key, and field-level errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.hazards.choices import State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_list_in_scope, assert_refused

SEES_INSIDE = set(Role)  # every role of the world is placed over the `inside` enterprise


def payload(world, **extra):
    return {
        "enterprise": world.inside.pk,
        "source": "1",
        "category": "3",
        "place": "配电房",
        "description": "电缆裸露",
        "deadline_working_days": 5,
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_only_hazards_in_scope(world, make_hazard, api, role):
    inside = make_hazard()
    outside = Hazard.objects.create(
        enterprise=world.outside,
        state=State.RECTIFYING,
        level="general",
        source="1",
        category="1",
        place="外地",
        description="外地隐患",
        deadline=timezone.localdate() + timedelta(days=9),
    )
    seen = {inside.pk} if role in SEES_INSIDE else set()
    if role == Role.SYSTEM_ADMIN:
        seen.add(outside.pk)
    assert_list_in_scope(
        api.as_user(world.users[role]).get("/api/v1/hazards/"),
        inside=seen,
        outside={inside.pk, outside.pk} - seen,
    )
    detail = api.get(f"/api/v1/hazards/{outside.pk}/")
    assert detail.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_register_through_the_api(world, departments, api, role):
    response = api.as_user(world.users[role]).post("/api/v1/hazards/", payload(world))
    if role in {Role.EXPERT}:
        assert_refused(response)
    elif role is None:
        assert response.status_code == 400  # the enterprise is not theirs to name
        assert "enterprise" in response.json()["error"]["fields"]
    else:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "rectifying" and body["deadline"]


def test_a_repeated_idempotency_key_returns_the_first_hazard(world, departments, api):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    first = api.post("/api/v1/hazards/", payload(world), HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/hazards/", payload(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Hazard.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"source": "99"}, "source"),
        ({"category": ""}, "category"),
        ({"place": ""}, "place"),
        ({"description": "x" * 6000}, "description"),
        ({"deadline_working_days": -3}, "deadline_working_days"),
        ({"deadline_working_days": "soon"}, "deadline_working_days"),
        ({"enterprise": "abc"}, "enterprise"),
        ({"level": "huge"}, "level"),
        ({"deadline_working_days": None, "deadline": "2020-01-01"}, "deadline"),
        ({"deadline_working_days": None}, "deadline"),
    ],
)
def test_bad_input_gets_a_field_error_and_changes_nothing(world, departments, api, change, field):
    data = {k: v for k, v in {**payload(world), **change}.items() if v is not None}
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post("/api/v1/hazards/", data)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Hazard.objects.exists()


def test_a_move_answers_with_the_new_state_and_next_moves(world, make_hazard, api):
    hazard = make_hazard(state=State.AWAITING)
    response = api.as_user(world.user(Role.ENTERPRISE_PRINCIPAL)).post(
        f"/api/v1/hazards/{hazard.pk}/accept/", {"opinion": "合格", "version": hazard.version}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "closed" and body["allowed_moves"] == []
    assert body["events"][-1]["move"] == "accept"


def test_an_illegal_move_is_a_conflict_and_a_forbidden_one_is_403(world, make_hazard, api):
    hazard = make_hazard(state=State.CLOSED)
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        f"/api/v1/hazards/{hazard.pk}/void/", {"reason": "x", "version": hazard.version}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_move"
    open_one = make_hazard(state=State.RECTIFYING)
    response = api.as_user(world.user(Role.EXPERT)).post(
        f"/api/v1/hazards/{open_one.pk}/void/", {"reason": "x", "version": open_one.version}
    )
    assert_refused(response)


def test_a_stale_version_is_409(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/hazards/{hazard.pk}/plan/", {"measures": "新措施", "version": hazard.version + 5}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_a_move_without_a_version_is_400_and_changes_nothing(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/hazards/{hazard.pk}/plan/", {"measures": "新措施"}
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version


def test_a_precondition_failure_names_its_field(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/hazards/{hazard.pk}/request-extension/",
        {
            "new_deadline": str(hazard.deadline - timedelta(days=1)),
            "reason": "x",
            "version": hazard.version,
        },
    )
    assert response.status_code == 400
    assert "new_deadline" in response.json()["error"]["fields"]


def test_moves_on_hazards_out_of_scope_are_404(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    api.as_user(world.users[None])
    assert api.post(f"/api/v1/hazards/{hazard.pk}/void/", {"reason": "x"}).status_code == 404


def test_filters(world, make_hazard, api):
    late = make_hazard(deadline=timezone.localdate() - timedelta(days=2))
    make_hazard()
    api.as_user(world.user(Role.CITY_ADMIN))
    ids = [h["id"] for h in api.get("/api/v1/hazards/?overdue=true").json()["results"]]
    assert ids == [late.pk]
    assert api.get("/api/v1/hazards/?state=closed").json()["count"] == 0
    assert api.get("/api/v1/hazards/?region=640104").json()["count"] == 2
    # the list screen's filter set: a city matches every county below it, a region or park
    # outside the caller's scope is no choice at all
    assert api.get("/api/v1/hazards/?region=640100").json()["count"] == 2
    assert api.get(f"/api/v1/hazards/?park={world.park.pk}").json()["count"] == 2
    outside = api.get("/api/v1/hazards/?region=640202")
    assert outside.status_code == 400 and "region" in outside.json()["error"]["fields"]


def test_the_screen_and_the_api_list_share_one_filter_set():
    from safeloop.hazards.api import HazardViewSet
    from safeloop.hazards.filters import HazardFilter
    from safeloop.hazards.views import HazardFilter as ScreenFilter

    assert HazardViewSet.filterset_class is HazardFilter is ScreenFilter


def test_an_enterprise_out_of_scope_is_answered_like_one_that_does_not_exist(
    world, departments, api
):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    outside = api.post("/api/v1/hazards/", payload(world, enterprise=world.outside.pk))
    missing = api.post("/api/v1/hazards/", payload(world, enterprise=999999))
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["error"]["fields"]["enterprise"] == [
        m.replace("999999", str(world.outside.pk))
        for m in missing.json()["error"]["fields"]["enterprise"]
    ]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"deadline": "9999-12-31", "deadline_working_days": None}, "deadline"),
        ({"deadline_working_days": 30000}, "deadline_working_days"),
    ],
)
def test_a_deadline_past_the_policy_s_latest_is_400(world, departments, api, extra, field):
    from safeloop.hazards.models import HazardPolicy

    HazardPolicy.objects.create(
        effective_from=timezone.localdate(), source="测试政策", max_deadline_days=365
    )
    body = {k: v for k, v in payload(world, **extra).items() if v is not None}
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post("/api/v1/hazards/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Hazard.objects.exists()
    inside = {**payload(world), "deadline_working_days": 100}
    assert api.post("/api/v1/hazards/", inside).status_code == 201


def test_an_extension_past_the_policy_s_latest_is_400(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/hazards/{hazard.pk}/request-extension/",
        {"new_deadline": "9999-01-01", "reason": "x", "version": hazard.version},
    )
    assert response.status_code == 400
    assert "new_deadline" in response.json()["error"]["fields"]

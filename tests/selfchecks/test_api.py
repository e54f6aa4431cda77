"""The self-check API for every role inside and outside its scope, recording through it
(JSON and multipart with photos), the completion endpoint, job runs, bad input and the
OpenAPI schema."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.selfchecks.choices import TaskState
from safeloop.selfchecks.models import JobRun, SelfCheckRecord, SelfCheckTask
from tests.scope import ROLES, assert_refused


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tasks(world, make_task):
    return {"inside": make_task(), "outside": make_task(enterprise=world.outside)}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_only_tasks_in_scope(world, tasks, api, role):
    api.as_user(world.users[role])
    response = api.get("/api/v1/selfcheck-tasks/")
    assert response.status_code == 200  # a signed-in account without a role sees nothing
    ids = {t["id"] for t in response.json()["results"]}
    assert (tasks["inside"].pk in ids) is (role is not None)
    assert (tasks["outside"].pk in ids) is (role == Role.SYSTEM_ADMIN)
    detail = api.get(f"/api/v1/selfcheck-tasks/{tasks['outside'].pk}/")
    assert detail.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_through_the_api(world, tasks, api, role):
    api.as_user(world.users[role])
    response = api.post(
        f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/record/", {"result": "normal"}
    )
    if role in ENTERPRISE_STAFF:
        assert response.status_code == 201, response.content
        assert response.json()["result"] == "normal"
    elif role is None:
        assert response.status_code == 404  # outside every scope
    else:
        assert_refused(response)
        assert response.json()["error"]["code"] == "permission_denied"
        assert not SelfCheckRecord.objects.exists()
    outside = api.post(
        f"/api/v1/selfcheck-tasks/{tasks['outside'].pk}/record/", {"result": "normal"}
    )
    assert outside.status_code == (403 if role == Role.SYSTEM_ADMIN else 404)


def test_an_abnormal_record_with_photos_makes_the_hazard(world, tasks, api):
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(out, format="PNG")
    out.seek(0)
    out.name = "a.png"
    api.as_user(world.user(Role.SAFETY_MANAGER))
    response = api.client.post(
        f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/record/",
        {
            "result": "abnormal",
            "note": "接地线断开",
            "hazard_action": "register",
            "category": "3",
            "deadline_working_days": "5",
            "photos": [out],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hazard"] == Hazard.objects.get().pk and len(body["photos"]) == 1
    photo = api.get(body["photos"][0]["url"])
    assert photo.status_code == 200
    assert api.get(f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/").json()["state"] == "done"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "result"),
        ({"result": "fine"}, "result"),
        ({"result": "normal", "version": "x"}, "version"),
        ({"result": "normal", "note": "x" * 6000}, "note"),
        ({"result": "abnormal", "note": "x", "hazard_action": "burn"}, "hazard_action"),
        ({"result": "abnormal", "note": "x", "hazard_action": "register"}, "deadline"),
        (
            {
                "result": "abnormal",
                "note": "x",
                "hazard_action": "register",
                "deadline": "2020-01-01",
            },
            "deadline",
        ),
        ({"result": "abnormal", "hazard_action": "register", "deadline_working_days": 3}, "note"),
        ({"result": "normal", "photos": "not-a-file"}, "photos"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(world, tasks, api, payload, field):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    response = api.post(f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/record/", payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not SelfCheckRecord.objects.exists() and not Hazard.objects.exists()
    tasks["inside"].refresh_from_db()
    assert tasks["inside"].state == TaskState.PENDING


def test_recording_twice_is_a_conflict(world, tasks, api):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    url = f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/record/"
    assert api.post(url, {"result": "normal"}).status_code == 201
    again = api.post(url, {"result": "normal"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_move"


def test_filters(world, tasks, api):
    api.as_user(world.user(Role.SYSTEM_ADMIN))
    get = lambda q: {t["id"] for t in api.get(f"/api/v1/selfcheck-tasks/?{q}").json()["results"]}  # noqa: E731
    assert get("region=640202") == {tasks["outside"].pk}
    assert get("region=640100") == {tasks["inside"].pk}
    assert get("region=abc") == set()
    assert get("state=done") == set()
    assert get("frequency=daily&due_from=2026-01-30&due_to=2026-01-30") == {
        tasks["inside"].pk,
        tasks["outside"].pk,
    }
    api.as_user(world.user(Role.SAFETY_MANAGER))
    assert get("mine=true") == {tasks["inside"].pk}
    assert api.get("/api/v1/selfcheck-tasks/?due_from=soon").status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_completion_is_for_regulators_in_scope(world, tasks, api, role):
    api.as_user(world.users[role])
    response = api.get("/api/v1/selfcheck-completion/?start=2026-01-01&end=2026-01-31")
    if role not in REGULATORS:
        assert_refused(response)
        return
    assert response.status_code == 200
    body = response.json()
    rows = {r["enterprise_id"]: r for r in body["results"]}
    assert rows[world.inside.pk]["total"] == 1
    assert (world.outside.pk in rows) is (role == Role.SYSTEM_ADMIN)
    assert body["count"] == len(rows) and body["count_capped"] is False


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-02-01&end=2026-01-01",
        "start=x&end=2026-01-01",
        "start=2020-01-01&end=2026-01-01",
    ],
)
def test_a_bad_completion_window_is_a_field_error(world, api, query):
    api.as_user(world.user(Role.CITY_ADMIN))
    response = api.get(f"/api/v1/selfcheck-completion/?{query}")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) & {"start", "end"}


@pytest.mark.parametrize("role", ROLES)
def test_job_runs_are_for_administrators_and_only_the_system_administrator_starts_one(
    world, api, role
):
    JobRun.objects.create(kind="generate", day=timezone.localdate())
    api.as_user(world.users[role])
    listed = api.get("/api/v1/selfcheck-runs/")
    assert len(listed.json()["results"]) == (1 if role in ADMINS else 0)
    started = api.post(
        "/api/v1/selfcheck-runs/", {"kind": "generate", "day": str(timezone.localdate())}
    )
    if role == Role.SYSTEM_ADMIN:
        assert started.status_code == 201, started.content
        assert started.json()["status"] == "queued"
        assert JobRun.objects.count() == 2
    else:
        assert started.status_code == 403
        assert JobRun.objects.count() == 1


def test_a_bad_run_request_is_a_field_error(world, api):
    api.as_user(world.user(Role.SYSTEM_ADMIN))
    response = api.post("/api/v1/selfcheck-runs/", {"kind": "explode", "day": "tomorrow"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind", "day"}


def test_the_schema_describes_the_endpoints(world, api):
    api.as_user(world.user(Role.CITY_ADMIN))
    schema = api.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/selfcheck-tasks/",
        "/api/v1/selfcheck-tasks/{id}/record/",
        "/api/v1/selfcheck-records/",
        "/api/v1/selfcheck-completion/",
        "/api/v1/selfcheck-runs/",
    ]:
        assert path in schema["paths"], path


def test_records_are_listed_in_scope(world, tasks, api):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    api.post(f"/api/v1/selfcheck-tasks/{tasks['inside'].pk}/record/", {"result": "normal"})
    assert len(api.get("/api/v1/selfcheck-records/").json()["results"]) == 1
    api.as_user(world.user(Role.COUNTY_ADMIN))
    assert len(api.get("/api/v1/selfcheck-records/").json()["results"]) == 1
    api.as_user(world.users[None])
    assert api.get("/api/v1/selfcheck-records/").json()["results"] == []
    assert SelfCheckTask.objects.count() == 2


def test_signed_out_callers_get_nothing(tasks, client):
    # token authentication comes first, so a caller without credentials is asked for them
    assert client.get("/api/v1/selfcheck-tasks/").status_code == 401
    assert client.get("/api/v1/selfcheck-completion/").status_code == 401

"""The self-check screens for every role inside and outside its scope: my tasks (today and
this week), the list with filters and export, a task with its record form (field errors in
Chinese, nothing written on error), the completion table, and the job runs."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.core.models import AuditEntry
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.selfchecks.choices import TaskState
from safeloop.selfchecks.models import JobRun, SelfCheckRecord, SelfCheckTask
from tests.scope import ROLES, assert_refused


def as_user(client, world, role):
    client.force_login(world.users[role])
    return client


def tasks_on(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-task="(\d+)"', html)}


@pytest.fixture
def today_tasks(world, make_measure, generate):
    """A shift task (due every day) today for `inside` and `outside`."""
    inside = make_measure("shift")
    outside = make_measure("shift", enterprise=world.outside)
    generate(timezone.localdate())
    return {
        "inside": SelfCheckTask.objects.get(measure=inside),
        "outside": SelfCheckTask.objects.get(measure=outside),
    }


@pytest.mark.parametrize("role", ROLES)
def test_my_tasks_show_what_is_assigned_to_me_today(world, today_tasks, client, role):
    response = as_user(client, world, role).get("/selfchecks/")
    assert response.status_code == 200
    shown = tasks_on(response.content.decode())
    assert (today_tasks["inside"].pk in shown) is (role == Role.SAFETY_MANAGER)
    assert today_tasks["outside"].pk not in shown


def test_my_week_includes_the_weekly_task(world, make_measure, generate, client):
    make_measure("weekly")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for n in range(7):
        generate(monday + timedelta(days=n))
    weekly = SelfCheckTask.objects.filter(frequency="weekly")
    as_user(client, world, Role.SAFETY_MANAGER)
    week = tasks_on(client.get("/selfchecks/?span=week").content.decode())
    assert set(weekly.values_list("pk", flat=True)) <= week


@pytest.mark.parametrize("role", ROLES)
def test_the_task_list_is_scoped(world, today_tasks, client, role):
    html = as_user(client, world, role).get("/selfchecks/tasks/").content.decode()
    shown = tasks_on(html)
    assert (today_tasks["inside"].pk in shown) is (role is not None)
    assert (today_tasks["outside"].pk in shown) is (role == Role.SYSTEM_ADMIN)
    detail = client.get(f"/selfchecks/tasks/{today_tasks['outside'].pk}/")
    assert detail.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


def test_the_list_filters_and_exports(world, today_tasks, client):
    as_user(client, world, Role.SYSTEM_ADMIN)
    html = client.get("/selfchecks/tasks/?region=640202").content.decode()
    assert tasks_on(html) == {today_tasks["outside"].pk}
    response = client.get("/selfchecks/tasks/export.xlsx?region=640202")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == today_tasks["outside"].pk
    assert AuditEntry.objects.filter(action="selfchecks.selfchecktask.export").exists()
    bad = client.get("/selfchecks/tasks/?due_from=notadate")
    assert bad.status_code == 200 and tasks_on(bad.content.decode()) == set()


@pytest.mark.parametrize("role", ROLES)
def test_the_record_form_is_offered_to_the_enterprises_staff(world, today_tasks, client, role):
    html = as_user(client, world, role).get(f"/selfchecks/tasks/{today_tasks['inside'].pk}/")
    if role is None:
        assert html.status_code == 404
        return
    assert ('id="record-form"' in html.content.decode()) is (role in ENTERPRISE_STAFF)
    posted = client.post(
        f"/selfchecks/tasks/{today_tasks['inside'].pk}/record/", {"result": "normal"}
    )
    if role in ENTERPRISE_STAFF:
        assert posted.status_code == 302
        assert SelfCheckRecord.objects.count() == 1
    else:
        assert posted.status_code == 403
        assert not SelfCheckRecord.objects.exists()


def test_an_abnormal_record_through_the_screen_registers_the_hazard(world, today_tasks, client):
    as_user(client, world, Role.SAFETY_MANAGER)
    task = today_tasks["inside"]
    response = client.post(
        f"/selfchecks/tasks/{task.pk}/record/",
        {
            "result": "abnormal",
            "note": "安全阀铅封缺失",
            "hazard_action": "register",
            "category": "7",
            "level": "general",
            "deadline": str(timezone.localdate() + timedelta(days=7)),
            "version": task.version,
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'id="hazard-link"' in page
    assert Hazard.objects.get().description == "安全阀铅封缺失"


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "result"),
        ({"result": "abnormal", "hazard_action": "register"}, "note"),
        ({"result": "abnormal", "note": "x"}, "hazard_action"),
        ({"result": "abnormal", "note": "x", "hazard_action": "register"}, "deadline"),
        ({"result": "abnormal", "note": "x", "hazard_action": "fix_on_spot"}, "evidence"),
        (
            {
                "result": "abnormal",
                "note": "x",
                "hazard_action": "register",
                "deadline": "2020-01-01",
            },
            "deadline",
        ),
        ({"result": "normal", "note": "<script>x</script>" * 400}, "note"),
    ],
)
def test_bad_input_shows_a_chinese_field_error_and_writes_nothing(
    world, today_tasks, client, data, field
):
    as_user(client, world, Role.SAFETY_MANAGER)
    task = today_tasks["inside"]
    response = client.post(
        f"/selfchecks/tasks/{task.pk}/record/", data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'data-field="{field}"')[1].split('class="field')[0]
    assert "errorlist" in block
    assert re.search(r"[\u4e00-\u9fff]", block.split("errorlist")[1])
    assert "<script>x" not in html
    task.refresh_from_db()
    assert task.state == TaskState.PENDING and not SelfCheckRecord.objects.exists()
    assert not Hazard.objects.exists()


def test_a_bad_photo_is_a_field_error(world, today_tasks, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    as_user(client, world, Role.SAFETY_MANAGER)
    task = today_tasks["inside"]
    fake = SimpleUploadedFile("x.jpg", b"MZ not an image", content_type="image/jpeg")
    response = client.post(
        f"/selfchecks/tasks/{task.pk}/record/", {"result": "normal", "photos": [fake]}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode().split('data-field="photos"')[1]
    assert not SelfCheckRecord.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_completion_table_is_for_regulators_in_scope(world, today_tasks, client, role):
    response = as_user(client, world, role).get("/selfchecks/completion/")
    if role not in REGULATORS:
        assert_refused(response)
        return
    html = response.content.decode()
    assert f'data-enterprise="{world.inside.pk}"' in html
    assert (f'data-enterprise="{world.outside.pk}"' in html) is (role == Role.SYSTEM_ADMIN)


def test_the_completion_table_exports_and_refuses_a_bad_window(world, today_tasks, client):
    as_user(client, world, Role.CITY_ADMIN)
    today = timezone.localdate()
    response = client.get(f"/selfchecks/completion/?start={today}&end={today}&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {world.inside.name, world.sibling.name}
    bad = client.get("/selfchecks/completion/?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    # a page link and an export link carry no window: this month so far
    assert client.get("/selfchecks/completion/?page=2").status_code == 200
    default = client.get("/selfchecks/completion/?format=xlsx")
    rows = list(load_workbook(BytesIO(default.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {world.inside.name, world.sibling.name}


@pytest.mark.parametrize("role", ROLES)
def test_job_runs_screen(world, client, role):
    JobRun.objects.create(kind="generate", day=timezone.localdate(), total=10, done=4)
    response = as_user(client, world, role).get("/selfchecks/runs/")
    assert response.status_code == (200 if role in ADMINS else 404)
    if role in ADMINS:
        html = response.content.decode()
        assert "4 / 10" in html
        assert ('id="run-form"' in html) is (role == Role.SYSTEM_ADMIN)
    started = client.post(
        "/selfchecks/runs/start/", {"kind": "generate", "day": str(timezone.localdate())}
    )
    assert started.status_code == (
        302 if role == Role.SYSTEM_ADMIN else 403 if role in ADMINS else 404
    )
    assert JobRun.objects.count() == (2 if role == Role.SYSTEM_ADMIN else 1)


def test_a_bad_run_request_starts_nothing(world, client):
    as_user(client, world, Role.SYSTEM_ADMIN)
    client.post("/selfchecks/runs/start/", {"kind": "generate", "day": "someday"})
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_the_right_entry(world, client, role):
    html = as_user(client, world, role).get("/").content.decode()
    assert ('data-menu="selfcheck-mine"' in html) is (role in ENTERPRISE_STAFF)
    assert ('data-menu="selfcheck-completion"' in html) is (role in REGULATORS)


def test_the_screens_render_in_english_too(world, today_tasks, client):
    as_user(client, world, Role.SAFETY_MANAGER)
    html = client.get("/selfchecks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My self-checks" in html

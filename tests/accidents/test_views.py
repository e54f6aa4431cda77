"""The accident screens: the list per role, reporting and correcting through the form
with field errors in Chinese, voiding, the Excel export and the selector other apps use."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.accidents import services
from safeloop.accidents.models import Accident
from safeloop.accidents.selectors import enterprise_ids_with_accident
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.scope import ROLES, assert_hidden, assert_refused


def form_data(world, **extra):
    return {
        "enterprise": world.inside.pk,
        "occurred_at": (timezone.localtime() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "place": "仓库",
        "summary": "高处坠落",
        "deaths": "0",
        "missing": "0",
        "serious_injuries": "1",
        "minor_injuries": "0",
        "direct_loss": "5000",
        "measures_taken": "",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_accidents_in_scope_only(client, world, make_accident, role):
    make_accident(place="内部事故")
    make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN), place="外部事故")
    if role is None:
        client.force_login(world.users[None])
    else:
        client.force_login(world.user(role))
    page = client.get("/accidents/").content.decode()
    assert ("内部事故" in page) == (role is not None)
    assert ("外部事故" in page) == (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_the_report_form_to_staff_and_regulators(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/accidents/new/")
    assert response.status_code == (200 if role in REGULATORS | ENTERPRISE_STAFF else 403)


def test_it_reports_through_the_form_and_grades(client, world):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.post("/accidents/new/", form_data(world, serious_injuries="10"))
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert accident.grade == "serious" and not accident.reported_late
    assert accident.reported_by == world.user(Role.SAFETY_MANAGER)


def test_it_shows_field_errors_in_chinese_and_saves_nothing(client, world):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/accidents/new/",
        form_data(world, deaths="-2", occurred_at=future, enterprise=world.outside.pk),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="deaths"' in page and "has-error" in page
    assert "选择一个有效的选项" in page  # the outside enterprise is not offered
    assert not Accident.objects.exists()
    response = client.post(
        "/accidents/new/", form_data(world, occurred_at=future), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "事故不可能发生在未来" in response.content.decode()
    assert not Accident.objects.exists()


def test_it_corrects_with_the_version_and_reports_a_conflict(client, world, make_accident):
    accident = make_accident()
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    data = form_data(world, deaths="3", version="1", reason="伤者死亡")
    data.pop("enterprise")
    assert client.post(f"/accidents/{accident.pk}/edit/", data).status_code == 302
    accident.refresh_from_db()
    assert accident.grade == "serious" and accident.version == 2
    stale = client.post(
        f"/accidents/{accident.pk}/edit/", {**data, "deaths": "10"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    accident.refresh_from_db()
    assert accident.deaths == 3


@pytest.mark.parametrize("role", ROLES)
def test_it_voids_through_the_form_for_regulators_only(client, world, make_accident, role):
    accident = make_accident()
    client.force_login(world.users[role])
    response = client.post(f"/accidents/{accident.pk}/void/", {"reason": "重复", "version": 1})
    accident.refresh_from_db()
    assert accident.voided == (role in REGULATORS)
    if role is None:
        assert_hidden(response)
    elif role in REGULATORS:
        assert response.status_code == 302
    else:
        assert_refused(response)


def test_voiding_needs_a_reason_and_a_voided_record_is_frozen(client, world, make_accident):
    accident = make_accident()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    blank = client.post(f"/accidents/{accident.pk}/void/", {"reason": "", "version": 1})
    assert blank.status_code == 400
    done = client.post(f"/accidents/{accident.pk}/void/", {"reason": "误报", "version": 1})
    assert done.status_code == 302
    again = client.post(f"/accidents/{accident.pk}/void/", {"reason": "再次", "version": 2})
    assert again.status_code == 409
    assert client.get(f"/accidents/{accident.pk}/edit/").status_code == 409
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert 'id="void-form"' not in page and 'id="edit"' not in page


def test_it_exports_the_filtered_list(client, world, make_accident):
    make_accident(place="=HYPERLINK(1)")
    make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.get("/accidents/export/")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the one inside the county
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_it_tells_which_enterprises_had_an_accident_in_a_year(world, make_accident):
    this_year = timezone.localdate().year
    make_accident()
    voided = make_accident(enterprise=world.sibling, actor=world.user(Role.CITY_ADMIN))
    services.void(
        actor=world.user(Role.CITY_ADMIN), accident=voided, reason="误报", version=voided.version
    )
    make_accident(
        enterprise=world.outside,
        actor=world.user(Role.SYSTEM_ADMIN),
        occurred_at=timezone.now() - timedelta(days=400),
    )
    assert set(enterprise_ids_with_accident(this_year)) == {world.inside.pk}

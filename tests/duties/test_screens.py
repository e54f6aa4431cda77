"""Every responsibility-list screen for every role inside and outside its scope, with the
exact status."""

import pytest

from safeloop.duties.models import DepartmentDuty, DutyTemplate, ResponsibilityList
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.duties.conftest import issued, signatory
from tests.scope import ROLES, assert_status

STAFF = set(ENTERPRISE_STAFF)


def _login(client, world, role):
    client.force_login(world.users[role])


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page(world, client, role):
    _login(client, world, role)
    response = client.get("/duties/")
    if role is None:
        assert_status(response, 403)
    elif role in STAFF:
        assert_status(response, 302)
        assert response["Location"] == f"/duties/enterprises/{world.inside.pk}/"
    else:
        assert_status(response, 200)
        html = response.content.decode()
        assert f'data-enterprise="{world.inside.pk}"' in html
        assert (f'data-enterprise="{world.outside.pk}"' in html) == (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", ROLES)
def test_an_enterprise_page_and_issuing_a_list(world, client, role):
    _login(client, world, role)
    inside = client.get(f"/duties/enterprises/{world.inside.pk}/")
    assert_status(inside, 404 if role is None else 200)
    outside = client.get(f"/duties/enterprises/{world.outside.pk}/")
    assert_status(outside, 200 if role == Role.SYSTEM_ADMIN else 404)
    response = client.post(f"/duties/enterprises/{world.inside.pk}/", {"kind": "all_staff"})
    expected = 302 if role in STAFF else (404 if role is None else 403)
    assert_status(response, expected)
    assert ResponsibilityList.objects.filter(enterprise=world.inside).count() == (
        1 if expected == 302 else 0
    )


def test_a_bad_list_keeps_the_input_and_says_why(world, client):
    _login(client, world, Role.SAFETY_MANAGER)
    response = client.post(
        f"/duties/enterprises/{world.inside.pk}/", {"kind": "post", "post": "无模板岗位"}
    )
    assert_status(response, 400)
    html = response.content.decode()
    assert "该岗位没有模板" in html and 'value="无模板岗位"' in html
    assert not ResponsibilityList.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_list_page_and_adding_a_person(world, client, role):
    _login(client, world, role)
    rlist = issued(world.inside)
    assert_status(client.get(f"/duties/lists/{rlist.pk}/"), 404 if role is None else 200)
    far = issued(world.outside)
    assert_status(client.get(f"/duties/lists/{far.pk}/"), 200 if role == Role.SYSTEM_ADMIN else 404)
    response = client.post(
        f"/duties/lists/{rlist.pk}/", {"person_name": "王五", "post_name": "电工"}
    )
    expected = 302 if role in STAFF else (404 if role is None else 403)
    assert_status(response, expected)
    assert rlist.signatories.count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_acknowledging(world, client, role):
    _login(client, world, role)
    rlist = issued(world.inside)
    own = signatory(rlist, "主要负责人", user=world.user(Role.ENTERPRISE_PRINCIPAL))
    paper = signatory(rlist, "李四")
    got_own = client.post(f"/duties/signatories/{own.pk}/acknowledge/")
    got_paper = client.post(f"/duties/signatories/{paper.pk}/acknowledge/")
    if role is None:
        expected = (404, 404)
    elif role == Role.ENTERPRISE_PRINCIPAL:
        expected = (302, 302)
    elif role == Role.SAFETY_MANAGER:
        expected = (403, 302)
    else:
        expected = (403, 403)
    assert (got_own.status_code, got_paper.status_code) == expected
    if role == Role.ENTERPRISE_PRINCIPAL:
        assert_status(client.post(f"/duties/signatories/{own.pk}/acknowledge/"), 409)


@pytest.mark.parametrize("role", ROLES)
def test_the_templates_screen(world, client, role):
    _login(client, world, role)
    assert_status(client.get("/duties/templates/"), 403 if role is None else 200)
    before = DutyTemplate.objects.count()
    response = client.post(
        "/duties/templates/",
        {
            "sector": "machinery",
            "kind": "post",
            "post": "叉车司机",
            "items": "持证上岗\n班前检查",
            "effective_from": "2030-01-01",
            "source": "市局文件",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 302 if role in ADMINS else 403)
    assert DutyTemplate.objects.count() == before + (1 if role in ADMINS else 0)


def test_a_bad_template_is_400_on_its_field(world, client):
    _login(client, world, Role.CITY_ADMIN)
    response = client.post(
        "/duties/templates/",
        {
            "sector": "machinery",
            "kind": "post",
            "post": "",
            "items": "x",
            "effective_from": "2030-01-01",
            "source": "s",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 400)
    assert "请填写岗位" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_departments_screen(world, client, department, role):
    from safeloop.orgs.models import Department

    far = Department.objects.create(
        name="石嘴山工信局", kind="county_department", region=world.other_county
    )
    _login(client, world, role)
    response = client.get("/duties/departments/")
    assert_status(response, 200 if role in REGULATORS else 403)
    if role in REGULATORS:
        html = response.content.decode()
        sees_dept = role not in (Role.GRID_INSPECTOR, Role.PARK_OFFICER)
        assert (f'data-department="{department.pk}"' in html) == sees_dept
        assert (f'data-department="{far.pk}"' in html) == (role == Role.SYSTEM_ADMIN)
    data = {
        "department": department.pk,
        "kind": "dual",
        "position": "局长",
        "person_name": "赵局长",
        "duties": "对分管领域安全生产负领导责任\n定期研究安全生产工作",
    }
    response = client.post("/duties/departments/", data)
    assert_status(response, 302 if role in ADMINS else 403)
    assert DepartmentDuty.objects.count() == (1 if role in ADMINS else 0)
    if role in ADMINS - {Role.SYSTEM_ADMIN}:
        # a department outside the administrator's scope is no choice at all
        response = client.post("/duties/departments/", {**data, "department": far.pk})
        assert_status(response, 400)

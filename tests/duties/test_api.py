"""The responsibility-list API for every role inside and outside its scope: the same
services as the screens, the same exact statuses."""

import pytest

from safeloop.duties.models import DepartmentDuty, DutyTemplate, ResponsibilityList
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.duties.conftest import issued, signatory
from tests.scope import ROLES, assert_list_in_scope, assert_status

STAFF = set(ENTERPRISE_STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_lists_in_scope_and_issuing(world, api, role):
    api.as_user(world.users[role])
    inside, outside = issued(world.inside), issued(world.outside)
    sees = role is not None
    assert_list_in_scope(
        api.get("/api/v1/responsibility-lists/"),
        {inside.pk} if sees else set(),
        (set() if role == Role.SYSTEM_ADMIN else {outside.pk}) | (set() if sees else {inside.pk}),
    )
    assert_status(api.get(f"/api/v1/responsibility-lists/{inside.pk}/"), 200 if sees else 404)
    response = api.post(
        "/api/v1/responsibility-lists/",
        {"enterprise": world.inside.pk, "kind": "post", "post": "班组长"},
    )
    assert_status(response, 201 if role in STAFF else (404 if role is None else 403))
    assert ResponsibilityList.objects.filter(post="班组长").count() == (1 if role in STAFF else 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "x"}, "kind"),
        ({"kind": "post"}, "post"),
        ({"kind": "all_staff", "items": "x" * 10001}, "items"),
        ({"kind": "all_staff", "issued_on": "not a date"}, "issued_on"),
        ({"enterprise": "abc", "kind": "all_staff"}, "enterprise"),
    ],
)
def test_a_bad_list_is_400_on_its_field(world, api, body, field):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    response = api.post("/api/v1/responsibility-lists/", {"enterprise": world.inside.pk, **body})
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert not ResponsibilityList.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_people_and_acknowledgements(world, api, role):
    api.as_user(world.users[role])
    rlist = issued(world.inside)
    own = signatory(rlist, "主要负责人", user=world.user(Role.ENTERPRISE_PRINCIPAL))
    paper = signatory(rlist, "李四")
    added = api.post("/api/v1/list-signatories/", {"rlist": rlist.pk, "person_name": "赵六"})
    assert_status(added, 201 if role in STAFF else (404 if role is None else 403))
    got = (
        api.post(f"/api/v1/list-signatories/{own.pk}/acknowledge/").status_code,
        api.post(f"/api/v1/list-signatories/{paper.pk}/acknowledge/").status_code,
    )
    if role is None:
        assert got == (404, 404)
    elif role == Role.ENTERPRISE_PRINCIPAL:
        assert got == (200, 200)
    elif role == Role.SAFETY_MANAGER:
        assert got == (403, 200)
    else:
        assert got == (403, 403)


@pytest.mark.parametrize("role", ROLES)
def test_templates(world, api, role):
    api.as_user(world.users[role])
    assert_status(api.get("/api/v1/duty-templates/"), 200)
    before = DutyTemplate.objects.count()
    response = api.post(
        "/api/v1/duty-templates/",
        {
            "sector": "machinery",
            "kind": "post",
            "post": "叉车司机",
            "items": "持证上岗",
            "effective_from": "2030-01-01",
            "source": "文件",
            "confidence": "unconfirmed",
        },
    )
    assert_status(response, 201 if role in ADMINS else 403)
    assert DutyTemplate.objects.count() == before + (1 if role in ADMINS else 0)


@pytest.mark.parametrize("role", ROLES)
def test_department_duties(world, api, department, role):
    api.as_user(world.users[role])
    body = {
        "department": department.pk,
        "kind": "dual",
        "position": "局长",
        "person_name": "赵局长",
        "duties": "负领导责任",
    }
    response = api.post("/api/v1/department-duties/", body)
    sees = role in REGULATORS and role not in (Role.GRID_INSPECTOR, Role.PARK_OFFICER)
    expected = 201 if role in ADMINS else (403 if role is not None and role in REGULATORS else 404)
    if role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER, Role.EXPERT, None):
        expected = 404
    if role in (Role.GRID_INSPECTOR, Role.PARK_OFFICER):
        expected = 404  # the county's department is outside their unit
    assert_status(response, expected)
    listed = api.get("/api/v1/department-duties/")
    assert_status(listed, 200)
    assert len(listed.json()["results"] if "results" in listed.json() else listed.json()) == (
        1 if expected == 201 and sees else 0
    )
    assert DepartmentDuty.objects.count() == (1 if expected == 201 else 0)

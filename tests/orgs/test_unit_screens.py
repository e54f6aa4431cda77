"""Organisation screens: parks, grid cells and departments run by the administrators the
role table names, through the services the API uses; one exact status per role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enterprises import services as ledger
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Department, DepartmentKind, GridCell, Park, RoleAssignment
from safeloop.orgs.roles import Role
from tests.conftest import make_user
from tests.scope import ROLES, assert_status

ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}
# Who sees the world's park (view scope of Park): 403 on edit for them, 404 for the rest.
SEES_PARK = ADMIN_ROLES | {Role.CITY_INSPECTOR, Role.COUNTY_INSPECTOR, Role.PARK_OFFICER}
SEES_GRID = SEES_PARK | {Role.GRID_INSPECTOR}


@pytest.fixture
def department(world):
    return Department.objects.create(
        name="兴庆区工信局", kind=DepartmentKind.COUNTY_DEPARTMENT, region=world.county
    )


def _park_form(world, **over):
    return {
        "name": "新园区",
        "region": world.county.pk,
        "level": "other",
        "note": "",
        **over,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["park", "grid", "department"])
def test_only_administrators_open_the_new_unit_form(world, client, role, kind):
    client.force_login(world.users[role])
    expected = 200 if role in ADMIN_ROLES else 403
    assert_status(client.get(f"/organisation/{kind}/new/"), expected)


@pytest.mark.parametrize("role", ROLES)
def test_editing_the_park_by_role(world, client, role):
    client.force_login(world.users[role])
    url = f"/organisation/park/{world.park.pk}/edit/"
    expected = 200 if role in ADMIN_ROLES else 403 if role in SEES_PARK else 404
    assert_status(client.get(url), expected)
    response = client.post(url, _park_form(world, name="改名园区", version=1))
    assert_status(response, 302 if role in ADMIN_ROLES else expected)
    renamed = Park.objects.get(pk=world.park.pk).name == "改名园区"
    assert renamed == (role in ADMIN_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_grid_cell_page_by_role(world, client, role):
    client.force_login(world.users[role])
    response = client.get(f"/organisation/grid/{world.grid.pk}/")
    assert_status(response, 200 if role in SEES_GRID else 404)
    edit = client.get(f"/organisation/grid/{world.grid.pk}/edit/")
    expected = 200 if role in ADMIN_ROLES else 403 if role in SEES_GRID else 404
    assert_status(edit, expected)


def test_lists_keep_to_the_scope(world, client):
    far = Park.objects.create(name="石嘴山园区", region=world.other_county)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get("/organisation/park/").content.decode()
    assert world.park.name in page and far.name not in page
    assert_status(client.get(f"/organisation/park/{far.pk}/"), 404)
    assert_status(client.get(f"/organisation/park/{far.pk}/edit/"), 404)
    assert_status(client.get("/organisation/nothing/"), 404)


def test_a_county_administrator_creates_a_park_in_the_county_only(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.post("/organisation/park/new/", _park_form(world, name="新建园区"))
    assert_status(response, 302)
    park = Park.objects.get(name="新建园区")
    assert park.region == world.county and park.version == 1
    response = client.post(
        "/organisation/park/new/",
        _park_form(world, name="越界园区", region=world.sibling_county.pk),
    )
    assert_status(response, 400)
    assert "越界园区" in response.content.decode()  # what was typed stays
    assert not Park.objects.filter(name="越界园区").exists()


def test_a_stale_or_missing_version_is_refused(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    url = f"/organisation/park/{world.park.pk}/edit/"
    assert_status(client.post(url, _park_form(world, name="甲", version=1)), 302)
    assert_status(client.post(url, _park_form(world, name="乙", version=1)), 409)
    assert_status(client.post(url, _park_form(world, name="丙")), 400)
    assert Park.objects.get(pk=world.park.pk).name == "甲"


def test_a_grid_cell_with_enterprises_does_not_move_county_on_the_screen(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    url = f"/organisation/grid/{world.grid.pk}/edit/"
    body = {
        "code": world.grid.code,
        "name": world.grid.name,
        "region": world.sibling_county.pk,
        "park": "",
        "version": 1,
    }
    response = client.post(url, body)
    assert_status(response, 400)
    assert "不能" in response.content.decode() or "cannot" in response.content.decode()
    assert GridCell.objects.get(pk=world.grid.pk).region == world.county


def test_the_grid_cell_shows_its_inspectors_on_duty_and_enterprises(world, client):
    off_duty = make_user("休假网格员", Role.GRID_INSPECTOR, grid=world.grid)
    RoleAssignment.objects.filter(user=off_duty).update(active=False)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get(f"/organisation/grid/{world.grid.pk}/").content.decode()
    assert str(world.user(Role.GRID_INSPECTOR)) in page
    assert "休假网格员" not in page
    assert world.inside.name in page and world.sibling.name not in page


def test_the_department_shows_who_decides_extensions_and_listings(world, client, department):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get(f"/organisation/department/{department.pk}/").content.decode()
    assert str(world.user(Role.COUNTY_INSPECTOR)) in page
    assert str(world.user(Role.COUNTY_ADMIN)) in page
    assert str(world.user(Role.CITY_ADMIN)) not in page


def test_departments_through_the_api_share_the_service(world, api, department):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/departments/{department.pk}/"
    assert_status(api.patch(url, {"name": "兴庆区工业和信息化局"}), 400)
    response = api.patch(url, {"name": "兴庆区工业和信息化局", "version": 1})
    assert_status(response, 200)
    assert response.json()["version"] == 2
    api.as_user(world.user(Role.PARK_OFFICER))
    assert_status(api.patch(url, {"name": "x", "version": 2}), 404)
    api.as_user(world.user(Role.COUNTY_INSPECTOR))
    assert_status(api.patch(url, {"name": "x", "version": 2}), 403)


def test_moving_an_enterprise_to_another_grid_cell_rescopes_its_records(world):
    """The ledger's update service moves it; hazards follow the enterprise's grid cell."""
    new_cell = GridCell.objects.create(
        code="640104-T2", name="第二网格", region=world.county, park=world.park
    )
    new_inspector = make_user("第二网格员", Role.GRID_INSPECTOR, grid=new_cell)
    old_inspector = world.user(Role.GRID_INSPECTOR)
    hazard = Hazard.objects.create(
        enterprise=world.inside,
        state=State.RECTIFYING,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="冲压车间",
        description="防护罩缺失",
        deadline=timezone.localdate() + timedelta(days=30),
        found_by=world.user(Role.COUNTY_INSPECTOR),
        found_by_regulator=True,
        measures="更换防护罩",
    )
    assert Hazard.objects.for_user(old_inspector).filter(pk=hazard.pk).exists()
    assert not Hazard.objects.for_user(new_inspector).filter(pk=hazard.pk).exists()
    ledger.update_enterprise(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        data={"grid": new_cell},
        expected_version=world.inside.version,
    )
    assert Hazard.objects.for_user(new_inspector).filter(pk=hazard.pk).exists()
    assert not Hazard.objects.for_user(old_inspector).filter(pk=hazard.pk).exists()

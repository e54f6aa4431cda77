"""Resources: the role × scope matrix on the screens and the API, the duty phone masked for
readers who may not see it, creation and edits with versions, stocks and the warnings of
the app's home, and the rule versions on their screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.core.errors import Invalid
from safeloop.emergency import services
from safeloop.emergency.choices import ResourceKind
from safeloop.emergency.models import EmergencyRule, Resource, StockType
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.scope import (
    ROLES,
    assert_hidden,
    assert_list_in_scope,
    assert_refused,
    assert_status,
)

# Who reaches which resource of the world: a county team (兴庆区), the inside enterprise's
# team, and a team in the other city.
COUNTY_READERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}
OWN_READERS = COUNTY_READERS | {
    Role.PARK_OFFICER,
    Role.GRID_INSPECTOR,
    Role.ENTERPRISE_PRINCIPAL,
    Role.SAFETY_MANAGER,
    Role.EXPERT,
}


@pytest.fixture
def three(world, make_resource):
    county = make_resource(name="区队")
    own = make_resource(name="企业队", enterprise=world.inside, team_kind="enterprise")
    far = make_resource(name="外市队", region=world.other_county)
    return county, own, far


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_and_opens_resources_in_scope_only(api, world, three, role):
    county, own, far = three
    api.as_user(world.users[role])
    inside = {
        r.pk for r, readers in ((county, COUNTY_READERS), (own, OWN_READERS)) if role in readers
    }
    outside = {county.pk, own.pk, far.pk} - inside
    if role == Role.SYSTEM_ADMIN:
        inside, outside = inside | {far.pk}, set()
    assert_list_in_scope(api.get("/api/v1/emergency-resources/"), inside, outside)
    for pk in outside:
        assert_hidden(api.get(f"/api/v1/emergency-resources/{pk}/"))
        assert_hidden(api.client.get(f"/emergency/resources/{pk}/"))
    for pk in inside:
        assert_status(api.client.get(f"/emergency/resources/{pk}/"), 200)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_regulators_and_the_owner_edit_and_refuses_the_rest(api, world, three, role):
    _county, own, _far = three
    api.as_user(world.users[role])
    response = api.patch(
        f"/api/v1/emergency-resources/{own.pk}/", {"headcount": 15, "version": own.version}
    )
    page = api.client.get(f"/emergency/resources/{own.pk}/edit/")
    if role is None:
        assert_hidden(response)
        assert_hidden(page)
    elif role in REGULATORS | ENTERPRISE_STAFF:
        assert_status(response, 200)
        assert_status(page, 200)
        assert Resource.objects.get(pk=own.pk).headcount == 15
    else:
        assert_refused(response)
        assert_refused(page)


@pytest.mark.parametrize("role", ROLES)
def test_it_masks_the_duty_phone_for_readers_who_may_not_see_it(api, world, three, role):
    _county, own, _far = three
    api.as_user(world.users[role])
    response = api.get(f"/api/v1/emergency-resources/{own.pk}/")
    if role is None:
        assert_hidden(response)
        return
    phone = response.json()["duty_phone"]
    page = api.client.get(f"/emergency/resources/{own.pk}/").content.decode()
    if role in REGULATORS | ENTERPRISE_STAFF:
        assert phone == "13912345678" and "13912345678" in page
    else:
        assert phone == "139****5678" and "13912345678" not in page and "139****5678" in page


def test_it_answers_a_stale_version_with_409_on_screen_and_api(api, world, three):
    county, _own, _far = three
    api.as_user(world.user(Role.COUNTY_ADMIN))
    services.update_resource(
        actor=world.user(Role.COUNTY_ADMIN), resource=county, version=1, leader="新队长"
    )
    response = api.patch(
        f"/api/v1/emergency-resources/{county.pk}/", {"leader": "旧", "version": 1}
    )
    assert_status(response, 409)
    form = {
        "kind": "team",
        "name": "区队改名",
        "region": world.county.pk,
        "team_kind": "professional",
        "latitude": "38.47",
        "longitude": "106.28",
        "availability": "available",
        "version": "1",
    }
    page = api.client.post(f"/emergency/resources/{county.pk}/edit/", form)
    assert_status(page, 409)
    assert "区队改名" in page.content.decode()  # what was typed stays


def test_it_creates_through_the_form_with_chinese_field_errors(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    data = {
        "kind": "team",
        "name": "新建救援队",
        "region": world.county.pk,
        "team_kind": "",
        "latitude": "95",
        "longitude": "106.28",
        "availability": "available",
    }
    response = client.post("/emergency/resources/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(response, 400)
    page = response.content.decode()
    assert 'data-field="latitude"' in page and "has-error" in page and "新建救援队" in page
    response = client.post(
        "/emergency/resources/new/", {**data, "latitude": "38.5"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert_status(response, 400)
    assert "请说明是否为专业救援队" in response.content.decode()
    response = client.post(
        "/emergency/resources/new/",
        {**data, "latitude": "38.5", "region": world.other_county.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert_status(response, 400)  # a region outside the county is not offered
    response = client.post(
        "/emergency/resources/new/", {**data, "latitude": "38.5", "team_kind": "professional"}
    )
    assert_status(response, 302)
    resource = Resource.objects.get(name="新建救援队")
    assert resource.region_code == "640104" and resource.confirmed_at is not None


def test_it_warns_of_expiring_stock_and_unconfirmed_availability(client, world, make_resource):
    actor = world.user(Role.COUNTY_ADMIN)
    warehouse = make_resource(kind=ResourceKind.WAREHOUSE, name="区仓库", team_kind="")
    kind = StockType.objects.get(code="MED-01")
    soon = timezone.localdate() + timedelta(days=5)
    later = timezone.localdate() + timedelta(days=365)
    services.add_stock(
        actor=actor, warehouse=warehouse, stock_type=kind, quantity=3, expires_on=soon
    )
    services.add_stock(
        actor=actor, warehouse=warehouse, stock_type=StockType.objects.get(code="PPE-01"),
        quantity=3, expires_on=later,
    )  # fmt: skip
    stale = make_resource(name="久未确认的队")
    Resource.objects.filter(pk=stale.pk).update(confirmed_at=timezone.now() - timedelta(days=31))
    client.force_login(actor)
    page = client.get("/emergency/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    expiring = page.split('id="expiring-stock"')[1].split("</ul>")[0]
    assert "急救箱" in expiring and "正压式空气呼吸器" not in expiring
    unconfirmed = page.split('id="unconfirmed"')[1].split("</ul>")[0]
    assert "久未确认的队" in unconfirmed and "区仓库" not in unconfirmed
    # The days are data: a newer rule version widens the window.
    services.add_rule(
        actor=world.user(Role.CITY_ADMIN),
        expiry_warning_days=400,
        confirm_within_days=30,
        city_grades=["major", "extraordinary"],
        effective_from=timezone.localdate(),
        source="测试",
    )
    page = client.get("/emergency/").content.decode()
    assert "正压式空气呼吸器" in page.split('id="expiring-stock"')[1].split("</ul>")[0]


def test_it_keeps_stock_in_warehouses_only(world, make_resource):
    team = make_resource()
    with pytest.raises(Invalid):
        services.add_stock(
            actor=world.user(Role.COUNTY_ADMIN),
            warehouse=team,
            stock_type=StockType.objects.first(),
            quantity=1,
        )


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_city_and_system_admins_add_rule_versions(client, world, role):
    client.force_login(world.users[role])
    before = EmergencyRule.objects.count()
    response = client.post(
        "/emergency/rules/",
        {
            "expiry_warning_days": "20",
            "confirm_within_days": "14",
            "city_grades": ["major"],
            "plan_revision_years": "3",
            "drill_months": "12",
            "onsite_drill_months": "6",
            "effective_from": "2030-01-01",
            "source": "市应急管理局通知",
        },
    )
    if role in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN):
        assert_status(response, 302)
        assert EmergencyRule.objects.count() == before + 1
    else:
        assert_refused(response)
        assert EmergencyRule.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_the_map_layer_in_scope_filtered_by_kind(
    client, world, three, make_incident, role
):
    county, own, far = three
    make_incident(title="地图事件")
    client.force_login(world.users[role])
    response = client.get("/emergency/map.json?kind=team")
    assert_status(response, 200)
    names = {f["properties"]["name"] for f in response.json()["features"]}
    assert ("区队" in names) == (role in COUNTY_READERS)
    assert ("外市队" in names) == (role == Role.SYSTEM_ADMIN)
    assert ("地图事件" in names) == (role in COUNTY_READERS)
    assert_status(client.get("/emergency/map.json?kind=bogus"), 400)
    vehicles = client.get("/emergency/map.json?kind=vehicle").json()["features"]
    assert all(f["properties"].get("kind", "vehicle") == "vehicle" for f in vehicles)

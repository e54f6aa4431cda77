"""Risk pages and the four-colour map data, for every role in and out of scope."""

import json
from decimal import Decimal

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.risks import services

from .conftest import lec, substance

ALL = [*Role, None]


@pytest.fixture
def placed(world):
    """Coordinates for the three enterprises; `inside` has a red point and a major hazard."""
    for e, lat, lng in (
        (world.inside, "38.47361", "106.28865"),
        (world.sibling, "38.49", "106.1"),
        (world.outside, "39.01", "106.38"),
    ):
        Enterprise.objects.filter(pk=e.pk).update(latitude=Decimal(lat), longitude=Decimal(lng))
    Enterprise.objects.filter(pk=world.sibling.pk).update(sector="machinery")
    admin = world.user(Role.SYSTEM_ADMIN)
    point = services.create_risk_point(
        actor=admin, enterprise=world.inside, name="液氯库", kind="place", post="仓管员"
    )
    services.assess_risk_point(actor=admin, point=point, **lec(6, 6, 15))  # 540 red
    unit = services.create_unit(
        actor=admin,
        enterprise=world.inside,
        name="液氯储罐区",
        kind="storage",
        people_within_500m=120,
        substances=[{"substance": substance("氯"), "quantity": Decimal("10")}],
    )
    return {"point": point, "unit": unit}


@pytest.mark.parametrize("role", ALL)
def test_it_serves_map_data_for_the_users_scope_only(world, client, placed, role):
    client.force_login(world.users[role])
    response = client.get("/risks/map/data.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    expected = {
        Role.SYSTEM_ADMIN: {world.inside.pk, world.sibling.pk, world.outside.pk},
        Role.CITY_ADMIN: {world.inside.pk, world.sibling.pk},
        Role.CITY_INSPECTOR: {world.inside.pk, world.sibling.pk},
        None: set(),
    }.get(role, {world.inside.pk})
    assert set(data["id"]) == expected
    assert len(data["lat"]) == len(data["lng"]) == len(data["level"]) == len(expected)
    if world.inside.pk in expected:
        i = data["id"].index(world.inside.pk)
        assert data["levels"][data["level"][i]] == "red" and data["mh"][i] == 1
        assert (data["lat"][i], data["lng"][i]) == (38.47361, 106.28865)


def test_it_filters_map_data_by_sector_and_skips_enterprises_without_coordinates(
    world, client, placed
):
    Enterprise.objects.filter(pk=world.outside.pk).update(latitude=None, longitude=None)
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    data = json.loads(client.get("/risks/map/data.json").content)
    assert set(data["id"]) == {world.inside.pk, world.sibling.pk}
    i = data["id"].index(world.sibling.pk)
    assert data["sectors"][data["sector"][i]][0] == "machinery" and data["level"][i] == 0
    only = json.loads(client.get("/risks/map/data.json?sector=machinery").content)
    assert only["id"] == [world.sibling.pk]
    empty = json.loads(client.get("/risks/map/data.json?sector=tobacco").content)
    assert empty["id"] == [] and empty["lat"] == []


def test_it_ships_the_six_county_boundaries(world, client):
    client.force_login(world.user(Role.CITY_INSPECTOR))
    geo = json.loads(client.get("/risks/map/boundaries.geojson").content)
    codes = sorted(f["properties"]["code"] for f in geo["features"])
    assert codes == ["640104", "640105", "640106", "640121", "640122", "640181"]


def test_the_map_page_loads_only_local_assets(world, client, placed):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/risks/map/").content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "risks/map.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert 'data-tile-url=""' in html


@pytest.mark.parametrize("role", ALL)
def test_it_shows_an_enterprise_card_and_pages_only_in_scope(world, client, placed, role):
    client.force_login(world.users[role])
    sees_inside = role is not None
    sees_outside = role == Role.SYSTEM_ADMIN
    for e, visible in ((world.inside, sees_inside), (world.outside, sees_outside)):
        for url in (f"/risks/map/card/{e.pk}/", f"/risks/enterprises/{e.pk}/"):
            assert client.get(url).status_code == (200 if visible else 404), (url, role)
    for url in (f"/risks/points/{placed['point'].pk}/", f"/risks/units/{placed['unit'].pk}/"):
        assert client.get(url).status_code == (200 if sees_inside else 404)


def test_the_enterprise_page_colours_points_and_flags_the_major_hazard(world, client, placed):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    html = client.get(f"/risks/enterprises/{world.inside.pk}/").content.decode()
    assert 'class="row-red" data-level="red"' in html
    assert 'id="major-hazard"' in html


def test_the_unit_page_shows_the_calculation_step_by_step(world, client, placed):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    html = client.get(f"/risks/units/{placed['unit'].pk}/").content.decode()
    # 氯 10 t: q/Q = 2, β·q/Q = 8, S = 2 ≥ 1; α(120) = 2.0, R = 16 → 三级
    assert "氯: q/Q = 10.0000 / 5.0000 = 2.0000; β·q/Q = 4.00 × 2.0000 = 8.0000" in html
    assert "R = α × Σβq/Q = 2.00 × 8.0000 = 16.00" in html
    assert 'id="verdict"' in html


def test_the_point_page_shows_the_direct_determination_reason(world, client, placed):
    admin = world.user(Role.SYSTEM_ADMIN)
    services.assess_risk_point(
        actor=admin, point=placed["point"], method="direct", direct_reason="fatal_accident"
    )
    client.force_login(world.user(Role.SAFETY_MANAGER))
    html = client.get(f"/risks/points/{placed['point'].pk}/").content.decode()
    assert 'id="direct-reason"' in html


def test_the_overview_rolls_up_and_filters_by_level(world, client, placed):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/risks/?level=red").content.decode()
    assert world.inside.name in html and world.sibling.name not in html
    assert 'id="rollup-region"' in html and 'id="rollup-park"' in html
    assert client.get("/risks/?level=blue").content.decode().count("row-blue") == 0


@pytest.mark.parametrize("role", [*Role])
def test_every_role_has_the_risks_menu(world, client, role):
    client.force_login(world.users[role])
    assert 'data-menu="risk-overview"' in client.get("/").content.decode()


def test_the_map_data_follows_changes_at_once(world, client, placed):
    client.force_login(world.user(Role.CITY_ADMIN))
    first = json.loads(client.get("/risks/map/data.json").content)
    assert world.sibling.pk in first["id"]
    sibling = Enterprise.objects.get(pk=world.sibling.pk)
    sibling.latitude = sibling.longitude = None
    sibling.save()  # the ledger's own save: the map version moves
    assert world.sibling.pk not in json.loads(client.get("/risks/map/data.json").content)["id"]
    point = services.create_risk_point(
        actor=world.user(Role.SYSTEM_ADMIN), enterprise=world.inside, name="新点", kind="place"
    )
    services.delete_risk_point(actor=world.user(Role.SYSTEM_ADMIN), point=placed["point"])
    data = json.loads(client.get("/risks/map/data.json").content)
    assert data["level"][data["id"].index(world.inside.pk)] == 0  # only an unassessed point
    assert point.pk


def test_the_pages_speak_chinese_by_default(world, client, placed):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get(f"/risks/enterprises/{world.inside.pk}/").content.decode()
    assert "重大危险源" in html and "风险点" in html
    assert "安全风险四色图" in client.get("/risks/map/").content.decode()

"""Risk pages and the four-colour map data, for every role in and out of scope."""

import json
from decimal import Decimal

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.risks import services
from tests.scope import ROLES

from .conftest import lec, substance


def decoded(response) -> dict:
    """The map payload as {enterprise id: (lat, lng, level colour, major hazard, sector)}."""
    data = json.loads(response.content)
    out = {}
    for level, mh, sector, points in data["groups"]:
        for i in range(0, len(points), 3):
            out[points[i]] = (
                points[i + 1] / data["scale"],
                points[i + 2] / data["scale"],
                data["levels"][level],
                mh,
                data["sectors"][sector],
            )
    return out


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


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_map_data_for_the_users_scope_only(world, client, placed, role):
    client.force_login(world.users[role])
    response = client.get("/risks/map/data.json")
    assert response.status_code == 200
    data = decoded(response)
    expected = {
        Role.SYSTEM_ADMIN: {world.inside.pk, world.sibling.pk, world.outside.pk},
        Role.CITY_ADMIN: {world.inside.pk, world.sibling.pk},
        Role.CITY_INSPECTOR: {world.inside.pk, world.sibling.pk},
        None: set(),
    }.get(role, {world.inside.pk})
    assert set(data) == expected
    if world.inside.pk in expected:
        assert data[world.inside.pk][:4] == (38.47361, 106.28865, "red", 1)


def test_it_filters_map_data_by_sector_and_skips_enterprises_without_coordinates(
    world, client, placed
):
    Enterprise.objects.filter(pk=world.outside.pk).update(latitude=None, longitude=None)
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    data = decoded(client.get("/risks/map/data.json"))
    assert set(data) == {world.inside.pk, world.sibling.pk}
    assert data[world.sibling.pk][2:] == ("", 0, "machinery")
    only = decoded(client.get("/risks/map/data.json?sector=machinery"))
    assert list(only) == [world.sibling.pk]
    empty = json.loads(client.get("/risks/map/data.json?sector=tobacco").content)
    assert empty["groups"] == [] and empty["scale"] == 100000


def test_it_ships_no_boundaries_unless_the_deployment_supplies_them(
    world, client, settings, tmp_path
):
    client.force_login(world.user(Role.CITY_INSPECTOR))
    settings.MAP_BOUNDARIES_FILE = None
    empty = json.loads(client.get("/risks/map/boundaries.geojson").content)
    assert empty == {"type": "FeatureCollection", "features": []}
    assert (
        "No base map is configured"
        in client.get("/risks/map/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    supplied = tmp_path / "counties.geojson"
    square = [[[106.2, 38.4], [106.3, 38.4], [106.3, 38.5], [106.2, 38.4]]]
    feature = {
        "type": "Feature",
        "properties": {"code": "640104", "name": "兴庆区"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    supplied.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    settings.MAP_BOUNDARIES_FILE = str(supplied)
    settings.MAP_BOUNDARIES_ATTRIBUTION = "© 测试测绘院"
    geo = json.loads(client.get("/risks/map/boundaries.geojson").content)
    assert [f["properties"]["code"] for f in geo["features"]] == ["640104"]
    html = client.get("/risks/map/").content.decode()
    assert 'data-boundaries-attribution="© 测试测绘院"' in html
    assert (
        "No base map" not in client.get("/risks/map/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_the_map_page_loads_only_local_assets(world, client, placed):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/risks/map/").content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "risks/map.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert 'data-tile-url=""' in html


@pytest.mark.parametrize("role", ROLES)
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


def test_the_enterprise_page_shows_its_points_50_at_a_time_highest_level_first(
    world, client, placed
):
    """A plant with 60 points: the red one first on page 1, 50 rows a page, the rest on
    page 2, in name order within a level; the PDF of all cards still holds all 61."""
    admin = world.user(Role.SYSTEM_ADMIN)
    for i in range(60):
        services.create_risk_point(
            actor=admin, enterprise=world.inside, name=f"岗位{i:02d}", kind="operation"
        )
    client.force_login(world.user(Role.SAFETY_MANAGER))
    url = f"/risks/enterprises/{world.inside.pk}/"
    first = client.get(url).content.decode()
    rows = first.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr ")
    assert rows == 50
    assert first.index("液氯库") < first.index("岗位00") < first.index("岗位48")
    assert "岗位49" not in first and 'id="points-pager"' in first and "第 1 / 2 页" in first
    second = client.get(url + "?page=2").content.decode()
    assert "岗位49" in second and "岗位59" in second and "液氯库" not in second
    assert client.get(url + "?page=x").status_code == 200  # a bad page number: the first
    cards = client.get(f"/risks/enterprises/{world.inside.pk}/cards.pdf")
    assert cards.status_code == 200 and cards["Content-Type"] == "application/pdf"


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
    first = decoded(client.get("/risks/map/data.json"))
    assert world.sibling.pk in first
    sibling = Enterprise.objects.get(pk=world.sibling.pk)
    sibling.latitude = sibling.longitude = None
    sibling.save()  # the ledger's own save: the map version moves
    assert world.sibling.pk not in decoded(client.get("/risks/map/data.json"))
    point = services.create_risk_point(
        actor=world.user(Role.SYSTEM_ADMIN), enterprise=world.inside, name="新点", kind="place"
    )
    services.delete_risk_point(actor=world.user(Role.SYSTEM_ADMIN), point=placed["point"])
    data = decoded(client.get("/risks/map/data.json"))
    assert data[world.inside.pk][2] == ""  # only an unassessed point
    assert point.pk


def test_the_pages_speak_chinese_by_default(world, client, placed):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get(f"/risks/enterprises/{world.inside.pk}/").content.decode()
    assert "重大危险源" in html and "风险点" in html
    assert "安全风险四色图" in client.get("/risks/map/").content.decode()

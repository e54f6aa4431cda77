"""Org endpoints for every role, inside and outside its scope; field errors; the schema."""

import pytest

from safeloop.core.models import AuditEntry
from safeloop.orgs.models import Park, Region
from safeloop.orgs.roles import ADMINS, Role
from tests.scope import ROLES, assert_hidden, assert_refused


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_parks_in_scope(world, api, role):
    response = api.as_user(world.users[role]).get("/api/v1/parks/")
    assert response.status_code == 200
    names = {p["name"] for p in response.json()["results"]}
    visible = Park.objects.for_user(world.users[role]).values_list("name", flat=True)
    assert names == set(visible)


@pytest.mark.parametrize("role", ROLES)
def test_it_hides_out_of_scope_regions_with_404(world, api, role):
    response = api.as_user(world.users[role]).get(f"/api/v1/regions/{world.other_county.pk}/")
    expected = 200 if role == Role.SYSTEM_ADMIN else 404
    assert response.status_code == expected
    if expected == 404:
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_admins_in_scope_change_a_park(world, api, role):
    response = api.as_user(world.users[role]).patch(
        f"/api/v1/parks/{world.park.pk}/", {"note": "改", "version": 1}
    )
    if role in ADMINS:
        assert response.status_code == 200
    elif Park.objects.for_user(world.users[role]).filter(pk=world.park.pk).exists():
        assert_refused(response)
    else:
        assert_hidden(response)


def test_it_refuses_a_park_moved_out_of_the_admins_scope(world, api):
    admin = world.user(Role.COUNTY_ADMIN)
    response = api.as_user(admin).patch(
        f"/api/v1/parks/{world.park.pk}/", {"region": world.sibling_county.pk, "version": 1}
    )
    assert_refused(response)
    world.park.refresh_from_db()
    assert world.park.region == world.county


def test_it_creates_a_region_with_an_audit_entry(world, api):
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).post(
        "/api/v1/regions/",
        {"code": "640106", "name": "金凤区", "level": "county", "parent": world.city.pk},
    )
    assert response.status_code == 201, response.content
    region = Region.objects.get(code="640106")
    assert AuditEntry.objects.filter(action="orgs.region.create", object_id=str(region.pk)).exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"code": "64010", "name": "短", "level": "county"}, "code"),
        ({"code": "ABCDEF", "name": "字母", "level": "county"}, "code"),
        ({"code": "640104", "name": "重复", "level": "county"}, "code"),
        ({"code": "640107", "name": "", "level": "county"}, "name"),
        ({"code": "640107", "name": "错级", "level": "planet"}, "level"),
        ({"code": "640107", "name": "<script>alert(1)</script>" * 10, "level": "county"}, "name"),
        ({"code": 640107, "name": "数字", "level": "county", "parent": "x"}, "parent"),
        ({"code": "650101", "name": "错父", "level": "county", "parent": "PARENT"}, "code"),
    ],
)
def test_it_answers_bad_region_input_with_field_errors(world, api, payload, field):
    if payload.get("parent") == "PARENT":
        payload["parent"] = world.city.pk
    before = Region.objects.count()
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).post("/api/v1/regions/", payload)
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert field in body["fields"], body
    assert Region.objects.count() == before


def test_it_refuses_malformed_json(world, client):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    response = client.post("/api/v1/regions/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_it_never_deletes_org_units(world, api):
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).delete(f"/api/v1/parks/{world.park.pk}/")
    assert response.status_code == 405
    assert Park.objects.filter(pk=world.park.pk).exists()


def test_it_requires_authentication(db, client):
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401  # the token scheme is offered first: WWW-Authenticate: Token
    assert response["WWW-Authenticate"] == "Token"
    assert "error" in response.json()


@pytest.mark.parametrize("role", ROLES)
def test_me_describes_the_user_and_roles(world, api, role):
    body = api.as_user(world.users[role]).get("/api/v1/me/").json()
    assert body["username"] == world.users[role].username
    assert [r["role"] for r in body["roles"]] == ([role.value] if role else [])


def test_grid_cells_name_their_inspectors(world, api):
    body = api.as_user(world.user(Role.CITY_ADMIN)).get(f"/api/v1/grid-cells/{world.grid.pk}/")
    assert body.json()["inspectors"] == ["grid_inspector"]


def test_the_openapi_schema_describes_the_api(db, client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/regions/", "/api/v1/parks/", "/api/v1/grid-cells/", "/api/v1/me/"]:
        assert path in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert "apiToken" in schemes and "tokenAuth" not in schemes  # one way to send a key


def test_the_api_docs_page_loads_nothing_from_outside(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html

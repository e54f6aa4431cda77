"""Every risk endpoint for every role, inside and outside its scope; field errors; reference."""

from decimal import Decimal

import pytest

from safeloop.orgs.roles import Role
from safeloop.risks import services
from safeloop.risks.models import (
    ControlMeasure,
    EnterpriseRiskProfile,
    HazardUnit,
    RiskAssessment,
    RiskPoint,
)
from tests.scope import ROLES, assert_status, ids_in

from .conftest import lec, substance

EDITORS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.COUNTY_ADMIN,
    Role.ENTERPRISE_PRINCIPAL,
    Role.SAFETY_MANAGER,
}
CITY = {Role.CITY_ADMIN, Role.CITY_INSPECTOR}


def visible(role) -> set[str]:
    if role == Role.SYSTEM_ADMIN:
        return {"inside", "sibling", "outside"}
    if role in CITY:
        return {"inside", "sibling"}
    return set() if role is None else {"inside"}


@pytest.fixture
def rows(world):
    """A point (assessed, with a measure) and a hazard unit at each enterprise."""
    admin = world.user(Role.SYSTEM_ADMIN)
    made = {}
    for key in ("inside", "sibling", "outside"):
        enterprise = getattr(world, key)
        point = services.create_risk_point(
            actor=admin, enterprise=enterprise, name=f"{key}-point", kind="place"
        )
        assessment = services.assess_risk_point(actor=admin, point=point, **lec(3, 6, 7))
        measure = services.create_measure(
            actor=admin,
            point=point,
            kind="ppe",
            description=f"{key}-measure",
            control_level="team",
            responsible="李四",
            inspection_frequency="weekly",
        )
        unit = services.create_unit(
            actor=admin,
            enterprise=enterprise,
            name=f"{key}-unit",
            kind="storage",
            people_within_500m=10,
            substances=[{"substance": substance("氨"), "quantity": Decimal("20")}],
        )
        made[key] = {
            "enterprise": enterprise,
            "risk-points": point,
            "risk-assessments": assessment,
            "control-measures": measure,
            "hazard-units": unit,
            "risk-profiles": EnterpriseRiskProfile.objects.get(enterprise=enterprise),
        }
    return made


ENDPOINTS = ["risk-points", "control-measures", "hazard-units", "risk-assessments"]


def keys(world, endpoint, results) -> set[str]:
    by_enterprise = {
        world.inside.pk: "inside",
        world.sibling.pk: "sibling",
        world.outside.pk: "outside",
    }
    return {by_enterprise[r["enterprise"]] for r in results}


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "risk-profiles"])
@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_rows_in_scope_and_hides_others_with_404(world, api, rows, endpoint, role):
    client = api.as_user(world.users[role])
    response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert keys(world, endpoint, response.json()["results"]) == visible(role)
    for key in ("inside", "sibling", "outside"):
        pk = rows[key][endpoint].pk
        response = client.get(f"/api/v1/{endpoint}/{pk}/")
        assert response.status_code == (200 if key in visible(role) else 404), (key, role)


PATCHES = {
    "risk-points": {"location": "新位置"},
    "control-measures": {"responsible": "王五"},
    "hazard-units": {"people_within_500m": 120},
}


@pytest.mark.parametrize("endpoint", list(PATCHES))
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_editors_in_scope_change_and_delete(world, api, rows, endpoint, role):
    client = api.as_user(world.users[role])
    for key in ("inside", "sibling"):
        obj = rows[key][endpoint]
        url = f"/api/v1/{endpoint}/{obj.pk}/"
        if key not in visible(role):
            expected = 404
        elif role in EDITORS and (key == "inside" or role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN}):
            expected = 200
        else:
            expected = 403
        obj.refresh_from_db()
        patch = {**PATCHES[endpoint], "version": obj.version}
        assert client.patch(url, patch).status_code == expected, (key, role)
        obj.refresh_from_db()
        deleted = client.delete(f"{url}?version={obj.version}")
        assert deleted.status_code == (204 if expected == 200 else expected)
        obj.refresh_from_db()
        assert obj.is_deleted == (expected == 200)


def create_payload(world, rows, endpoint, key):
    enterprise = getattr(world, key)
    point = rows[key]["risk-points"]
    return {
        "risk-points": {"enterprise": enterprise.pk, "name": "新风险点", "kind": "operation"},
        "risk-assessments": {
            "risk_point": point.pk,
            "method": "ls",
            "ls_l": 5,
            "ls_s": 4,
        },
        "control-measures": {
            "risk_point": point.pk,
            "kind": "training",
            "description": "岗前培训",
            "control_level": "post",
            "responsible": "赵六",
            "inspection_frequency": "monthly",
        },
        "hazard-units": {
            "enterprise": enterprise.pk,
            "name": "新储罐",
            "kind": "storage",
            "people_within_500m": 0,
            "substances": [{"substance": "氯", "quantity": "10"}],
        },
    }[endpoint]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_editors_create_in_scope(world, api, rows, endpoint, role):
    model = {
        "risk-points": RiskPoint,
        "risk-assessments": RiskAssessment,
        "control-measures": ControlMeasure,
        "hazard-units": HazardUnit,
    }[endpoint]
    client = api.as_user(world.users[role])
    for key in ("inside", "sibling", "outside"):
        before = model.objects.count()
        response = client.post(f"/api/v1/{endpoint}/", create_payload(world, rows, endpoint, key))
        if key not in visible(role):
            assert response.status_code == 400, (key, role)  # the enterprise/point "does not exist"
        elif role in EDITORS and (key == "inside" or role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN}):
            assert response.status_code == 201, (key, role, response.content)
        else:
            assert response.status_code == 403, (key, role)
        assert model.objects.count() == before + (response.status_code == 201)


def test_it_creates_a_unit_with_the_calculation(world, api, rows):
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        "/api/v1/hazard-units/", create_payload(world, rows, "hazard-units", "inside")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # 氯 10 t: S = 10/5 = 2; Σβq/Q = 4 × 2 = 8; α(0) = 0.5; R = 4 → 四级
    assert (body["s_value"], body["r_value"], body["grade"]) == ("2.0000", "4.0000", 4)
    assert body["steps"][-1] == "R = α × Σβq/Q = 0.50 × 8.0000 = 4.00"


@pytest.mark.parametrize(
    "endpoint, change, field",
    [
        ("hazard-units", {"substances": [{"substance": "氯", "quantity": "-1"}]}, "substances"),
        (
            "hazard-units",
            {"substances": [{"substance": "不存在的物质", "quantity": "1"}]},
            "substances",
        ),
        ("hazard-units", {"substances": [{"category": "W99", "quantity": "1"}]}, "substances"),
        ("hazard-units", {"substances": [{"quantity": "1"}]}, "substances"),
        ("hazard-units", {"substances": []}, "substances"),
        ("hazard-units", {"people_within_500m": None}, "people_within_500m"),
        ("hazard-units", {"people_within_500m": -3}, "people_within_500m"),
        ("hazard-units", {"kind": "pond"}, "kind"),
        ("risk-assessments", {"method": "lec", "lec_l": "4", "lec_e": "6", "lec_c": "7"}, "lec_l"),
        ("risk-assessments", {"method": "lec", "lec_l": "6", "lec_e": "6", "lec_c": "8"}, "lec_c"),
        ("risk-assessments", {"method": "ls", "ls_l": 6, "ls_s": 2}, "ls_l"),
        ("risk-assessments", {"method": "abc"}, "method"),
        ("risk-assessments", {"method": "direct"}, "direct_reason"),
        ("risk-assessments", {"method": "direct", "direct_reason": "felt"}, "direct_reason"),
        ("risk-points", {"kind": "mood"}, "kind"),
        ("risk-points", {"name": ""}, "name"),
        ("risk-points", {"accident_types": [999999]}, "accident_types"),
        ("control-measures", {"control_level": "district"}, "control_level"),
        ("control-measures", {"inspection_frequency": "hourly"}, "inspection_frequency"),
    ],
)
def test_it_answers_bad_input_with_field_errors(world, api, rows, endpoint, change, field):
    payload = {**create_payload(world, rows, endpoint, "inside"), **change}
    if endpoint == "risk-assessments":
        payload = {"risk_point": rows["inside"]["risk-points"].pk, **change}
    if endpoint == "hazard-units" and "people_within_500m" in change and change[field] is None:
        payload.pop("people_within_500m")
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(f"/api/v1/{endpoint}/", payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()


def test_it_regrades_through_the_api(world, api, rows):
    point = rows["inside"]["risk-points"]
    point.refresh_from_db()
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/risk-points/{point.pk}/regrade/", {"version": point.version}
    )
    assert response.status_code == 201, response.content
    assert response.json()["supersedes"] == rows["inside"]["risk-assessments"].pk
    inspector = world.user(Role.COUNTY_INSPECTOR)
    assert (
        api.as_user(inspector).post(f"/api/v1/risk-points/{point.pk}/regrade/").status_code == 403
    )


@pytest.mark.parametrize("endpoint", list(PATCHES))
def test_a_change_without_a_version_is_400_and_changes_nothing(world, api, rows, endpoint):
    obj = rows["inside"][endpoint]
    obj.refresh_from_db()
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    url = f"/api/v1/{endpoint}/{obj.pk}/"
    for response in (client.patch(url, PATCHES[endpoint]), client.delete(url)):
        assert response.status_code == 400
        assert "version" in response.json()["error"]["fields"]
    before = obj.version
    obj.refresh_from_db()
    assert obj.version == before and not obj.is_deleted


def test_it_never_edits_an_assessment(world, api, rows):
    a = rows["inside"]["risk-assessments"]
    client = api.as_user(world.user(Role.SYSTEM_ADMIN))
    assert client.patch(f"/api/v1/risk-assessments/{a.pk}/", {"lec_l": "10"}).status_code == 405
    assert client.delete(f"/api/v1/risk-assessments/{a.pk}/").status_code == 405


def test_it_filters_profiles_by_level_and_rolls_up_by_region_and_park(world, api, rows):
    client = api.as_user(world.user(Role.CITY_INSPECTOR))
    # D = 3 × 6 × 7 = 126 → yellow everywhere
    assert len(client.get("/api/v1/risk-profiles/?level=yellow").json()["results"]) == 2
    assert client.get("/api/v1/risk-profiles/?level=red").json()["results"] == []
    by_region = client.get("/api/v1/risk-rollup/").json()["results"]
    assert {r["key"]: r["yellow_points"] for r in by_region} == {"640104": 1, "640105": 1}
    assert all(r["major_hazards"] == 1 for r in by_region)  # 氨 20 t: S = 2
    by_park = client.get("/api/v1/risk-rollup/?by=park").json()["results"]
    assert {r["key"]: r["enterprises"] for r in by_park} == {world.park.pk: 1, None: 1}
    assert client.get("/api/v1/risk-rollup/?by=planet").status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_the_reference_tables_read_only(world, api, role):
    client = api.as_user(world.users[role])
    body = client.get("/api/v1/risk-reference/").json()
    assert [cs["code"] for cs in body["accident_type_code_sets"]] == [
        "GB 6441-2025",
        "GB/T 6441-1986",
    ]
    assert len(body["alpha_bands"]) == 5 and all(r["source"] for r in body["hazard_categories"])
    assert client.post("/api/v1/risk-reference/", {}).status_code == 405


def test_it_describes_the_risk_endpoints_in_the_schema(world, api):
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/risk-points/", "/api/v1/hazard-units/", "/api/v1/risk-reference/"):
        assert path in text


# Who changes the risk records of `inside` (docs/roles-and-scope.md, docs/risks.md): its
# staff and administrators; the expert who advises it and regulators who see it read (403);
# anyone else does not see it (404).
CHANGES_INSIDE = {
    Role.SYSTEM_ADMIN: 200,
    Role.CITY_ADMIN: 200,
    Role.CITY_INSPECTOR: 403,
    Role.COUNTY_ADMIN: 200,
    Role.COUNTY_INSPECTOR: 403,
    Role.PARK_OFFICER: 403,
    Role.GRID_INSPECTOR: 403,
    Role.ENTERPRISE_PRINCIPAL: 200,
    Role.SAFETY_MANAGER: 200,
    Role.EXPERT: 403,
    None: 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_experts_read_the_risk_records_of_the_enterprises_they_advise(world, api, rows, role):
    """Exactly one status per role for editing and deleting a point and a unit of `inside`,
    and for recording one there on the screens; the expert reads only."""
    expected = CHANGES_INSIDE[role]
    client = api.as_user(world.users[role])
    for endpoint, change in (("risk-points", {"post": "巡检"}), ("hazard-units", {"name": "改"})):
        obj = rows["inside"][endpoint]
        obj.refresh_from_db()
        url = f"/api/v1/{endpoint}/{obj.pk}/"
        patched = client.patch(url, {**change, "version": obj.version})
        assert_status(patched, expected, f"{endpoint} {role}")
        version = obj.version + (expected == 200)
        gone = client.delete(f"{url}?version={version}")
        assert_status(gone, 204 if expected == 200 else expected, f"delete {endpoint} {role}")
    screen = client.get(f"/risks/enterprises/{world.inside.pk}/points/new/")
    assert_status(screen, expected, f"new point screen {role}")


@pytest.mark.parametrize("endpoint", list(PATCHES))
def test_a_stale_version_is_a_conflict_on_every_endpoint(world, api, rows, endpoint):
    obj = rows["inside"][endpoint]
    obj.refresh_from_db()
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    url = f"/api/v1/{endpoint}/{obj.pk}/"
    body = client.get(url).json()
    assert isinstance(body["version"], int)
    assert_status(client.patch(url, {**PATCHES[endpoint], "version": body["version"]}), 200)
    assert client.get(url).json()["version"] == body["version"] + 1
    stale = {**PATCHES[endpoint], "version": body["version"]}
    refused = client.patch(url, stale)
    assert_status(refused, 409)
    assert refused.json()["error"]["code"] == "conflict"
    assert_status(client.delete(f"{url}?version={body['version']}"), 409)
    assert_status(client.delete(f"{url}?version=abc"), 400)
    assert_status(client.patch(url, {**PATCHES[endpoint], "version": "abc"}), 400)
    obj.refresh_from_db()
    assert not obj.is_deleted


def test_the_api_and_the_export_read_the_same_point_filter(world, api, rows):
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    inside, sibling = world.inside.pk, world.sibling.pk
    listed = client.get(f"/api/v1/risk-points/?enterprise={inside}")
    assert ids_in(listed) == {rows["inside"]["risk-points"].pk}
    # An enterprise the user cannot see is no valid choice, whether or not it exists.
    assert_status(client.get(f"/api/v1/risk-points/?enterprise={sibling}"), 400)
    assert_status(client.get("/api/v1/risk-points/?enterprise=999999"), 400)
    assert_status(client.get(f"/risks/export.xlsx?enterprise={inside}"), 200)
    assert_status(client.get(f"/risks/export.xlsx?enterprise={sibling}"), 400)
    assert_status(client.get("/risks/export.xlsx?level=purple"), 400)
    assert_status(client.get("/api/v1/risk-points/?level=purple"), 400)
    assert_status(client.get("/risks/map/data.json?sector=nowhere"), 400)


def test_a_nul_in_a_substance_name_is_a_field_error(world, api, rows):
    payload = create_payload(world, rows, "hazard-units", "inside")
    payload["substances"] = [{"substance": "氯\x00", "quantity": "10"}]
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post("/api/v1/hazard-units/", payload)
    assert response.status_code == 400, response.content
    assert "substances" in response.json()["error"]["fields"]

"""/api/v1/enterprises/ and its nested personnel and licences: every role inside and outside
its scope, filters, field errors and the version check."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager, SpecialOperator
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.conftest import valid_uscc
from tests.scope import ROLES, assert_hidden, assert_refused

ID_NUMBER = "11010519491231002X"
CREATORS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


def visible(world, role, model=Enterprise):
    return model.objects.for_user(world.users[role])


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_enterprises_in_scope(world, api, role):
    response = api.as_user(world.users[role]).get("/api/v1/enterprises/")
    assert response.status_code == 200
    names = {e["name"] for e in response.json()["results"]}
    assert names == set(visible(world, role).values_list("name", flat=True))
    expected = {
        Role.SYSTEM_ADMIN: 3,
        Role.CITY_ADMIN: 2,
        Role.CITY_INSPECTOR: 2,
        None: 0,
    }.get(role, 1)
    assert len(names) == expected


@pytest.mark.parametrize("role", ROLES)
def test_it_reads_inside_and_hides_outside_with_404(world, api, role):
    client = api.as_user(world.users[role])
    inside = client.get(f"/api/v1/enterprises/{world.inside.pk}/")
    outside = client.get(f"/api/v1/enterprises/{world.outside.pk}/")
    assert inside.status_code == (404 if role is None else 200)
    assert outside.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)
    if role is not None:
        body = inside.json()
        assert body["sector"] == "other" and body["version"] == 1 and body["licences"] == []


def new_enterprise(world, **extra):
    return {
        "name": "接口新建企业",
        "uscc": valid_uscc("640104", 501),
        "region": world.county.pk,
        "industry_code": "3110",
        "scale": "medium",
        "employees": 120,
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_regulators_create_and_only_inside_their_scope(world, api, role):
    response = api.as_user(world.users[role]).post("/api/v1/enterprises/", new_enterprise(world))
    if role in CREATORS:
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["sector"], body["region_code"], body["version"]) == (
            "metallurgy",
            "640104",
            1,
        )
        assert AuditEntry.objects.filter(
            action="enterprises.enterprise.create", actor=world.users[role]
        ).exists()
    else:
        assert response.status_code == 403, response.content
        assert not Enterprise.objects.filter(name="接口新建企业").exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_update_the_inside_enterprise(world, api, role):
    response = api.as_user(world.users[role]).patch(
        f"/api/v1/enterprises/{world.inside.pk}/", {"employees": 88, "version": 1}
    )
    if role in REGULATORS | ENTERPRISE_STAFF:
        assert response.status_code == 200, response.content
        assert response.json()["version"] == 2
    elif role == Role.EXPERT:
        assert_refused(response)
    else:
        assert_hidden(response)
    world.inside.refresh_from_db()
    assert world.inside.employees == (88 if response.status_code == 200 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_the_system_admin_updates_outside_their_scope(world, api, role):
    response = api.as_user(world.users[role]).patch(
        f"/api/v1/enterprises/{world.outside.pk}/", {"employees": 5, "version": 1}
    )
    assert response.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_soft_delete(world, api, role):
    response = api.as_user(world.users[role]).delete(
        f"/api/v1/enterprises/{world.inside.pk}/?version=1"
    )
    if role in ADMINS:
        assert response.status_code == 204
        assert Enterprise.all_objects.get(pk=world.inside.pk).deleted_at is not None
        assert api.get(f"/api/v1/enterprises/{world.inside.pk}/").status_code == 404
    else:
        assert response.status_code == (404 if role is None else 403)
        assert Enterprise.objects.filter(pk=world.inside.pk).exists()


def test_a_delete_needs_the_current_version(world, api):
    client = api.as_user(world.user(Role.COUNTY_ADMIN))
    assert client.delete(f"/api/v1/enterprises/{world.inside.pk}/").status_code == 400
    response = client.delete(f"/api/v1/enterprises/{world.inside.pk}/?version=7")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_concurrent_edits_do_not_silently_overwrite_each_other(world, api):
    url = f"/api/v1/enterprises/{world.inside.pk}/"
    admin, manager = world.user(Role.COUNTY_ADMIN), world.user(Role.SAFETY_MANAGER)
    read_by_admin = api.as_user(admin).get(url).json()["version"]
    read_by_manager = api.as_user(manager).get(url).json()["version"]
    first = api.as_user(admin).patch(url, {"address": "一号路", "version": read_by_admin})
    assert first.status_code == 200
    second = api.as_user(manager).patch(url, {"address": "二号路", "version": read_by_manager})
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "conflict" and "2" in error["message"]
    world.inside.refresh_from_db()
    assert world.inside.address == "一号路"
    again = api.as_user(manager).patch(url, {"address": "二号路", "version": 2})
    assert again.status_code == 200 and again.json()["version"] == 3


def test_an_update_without_a_version_is_refused(world, api):
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).patch(
        f"/api/v1/enterprises/{world.inside.pk}/", {"address": "三号路"}
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"uscc": "123"}, "uscc"),
        ({"uscc": "916401040000005010"}, "uscc"),
        ({"uscc": "USCC"}, "uscc"),
        ({"name": ""}, "name"),
        ({"region": 999999}, "region"),
        ({"industry_code": "31"}, "industry_code"),
        ({"scale": "giant"}, "scale"),
        ({"status": "asleep"}, "status"),
        ({"employees": -1}, "employees"),
        ({"latitude": "95", "longitude": "106"}, "latitude"),
        ({"latitude": "38.5"}, "longitude"),
        ({"principal_mobile": "12345"}, "principal_mobile"),
        ({"standard_expiry": "2025-13-01"}, "standard_expiry"),
        ({"deposit_amount": "-5"}, "deposit_amount"),
        ({"dust_explosion": "maybe"}, "dust_explosion"),
        ({"park": "SIBLING_PARK"}, "park"),
        ({"has_safety_body": False, "safety_body_headcount": 4}, "safety_body_headcount"),
    ],
)
def test_bad_input_gets_field_errors_and_writes_nothing(world, api, payload, field):
    from safeloop.orgs.models import Park

    if payload.get("park") == "SIBLING_PARK":
        payload["park"] = Park.objects.create(name="西夏园", region=world.sibling_county).pk
    if field == "uscc" and payload["uscc"] == "USCC":
        payload["uscc"] = world.inside.uscc  # a live duplicate
    before = Enterprise.objects.count()
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).post(
        "/api/v1/enterprises/", new_enterprise(world, **payload)
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert Enterprise.objects.count() == before


def test_field_errors_are_in_chinese(world, api):
    response = api.as_user(world.user(Role.SYSTEM_ADMIN)).post(
        "/api/v1/enterprises/",
        new_enterprise(world, uscc="123", principal_mobile="1"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    fields = response.json()["error"]["fields"]
    assert "统一社会信用代码" in fields["uscc"][0]
    assert "手机号码" in fields["principal_mobile"][0]


def test_enterprise_staff_get_a_field_error_for_regulated_fields(world, api):
    response = api.as_user(world.user(Role.ENTERPRISE_PRINCIPAL)).patch(
        f"/api/v1/enterprises/{world.inside.pk}/", {"industry_code": "2671", "version": 1}
    )
    assert response.status_code == 400
    assert "industry_code" in response.json()["error"]["fields"]


def test_an_update_that_moves_the_record_out_of_scope_is_refused(world, api):
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).patch(
        f"/api/v1/enterprises/{world.inside.pk}/",
        {"region": world.sibling_county.pk, "park": None, "grid": None, "version": 1},
    )
    assert_refused(response)
    world.inside.refresh_from_db()
    assert world.inside.region == world.county and world.inside.version == 1


@pytest.fixture
def ledger(world):
    today = timezone.localdate()
    e = world.inside
    e.industry_code, e.scale, e.status, e.dust_explosion = "3311", "medium", "operating", True
    e.save()
    Licence.objects.create(
        enterprise=e,
        number="(宁)WH安许证字[2024]001",
        authority="宁夏回族自治区应急管理厅",
        valid_from=today - timedelta(days=1000),
        valid_to=today + timedelta(days=20),
    )
    SpecialOperator.objects.create(
        enterprise=world.sibling,
        name="焊工甲",
        id_number=ID_NUMBER,
        certificate_type="welding",
        certificate_number="T640105001",
        valid_to=today + timedelta(days=80),
    )
    world.sibling.status = "suspended"
    world.sibling.save()
    return world


@pytest.mark.parametrize(
    "query, names",
    [
        ("sector=machinery", {"园区内企业"}),
        ("sector=other", {"西夏企业"}),
        ("scale=medium", {"园区内企业"}),
        ("status=suspended", {"西夏企业"}),
        ("risk=dust_explosion", {"园区内企业"}),
        ("risk=major_hazard", set()),
        ("expiring_within=30", {"园区内企业"}),
        ("expiring_within=90", {"园区内企业", "西夏企业"}),
        ("q=yqnqy", {"园区内企业"}),
        ("q=YQN", {"园区内企业"}),
        ("q=西夏", {"西夏企业"}),
        ("q=916401050", {"西夏企业"}),
        ("REGION", {"西夏企业"}),
        ("PARK", {"园区内企业"}),
        ("GRID", {"园区内企业"}),
    ],
)
def test_the_list_filters(ledger, api, query, names):
    w = ledger
    query = {
        "REGION": f"region={w.sibling_county.pk}",
        "PARK": f"park={w.park.pk}",
        "GRID": f"grid={w.grid.pk}",
    }.get(query, query)
    response = api.as_user(w.user(Role.CITY_ADMIN)).get(f"/api/v1/enterprises/?{query}")
    assert response.status_code == 200, response.content
    assert {e["name"] for e in response.json()["results"]} == names


def test_a_safety_managers_certificate_counts_as_expiring(ledger, api):
    today = timezone.localdate()
    w = ledger
    current = SafetyManager.objects.create(
        enterprise=w.sibling, name="安全员乙", certificate_number="A640105", position=0,
        certificate_valid_to=today + timedelta(days=50),
    )  # fmt: skip
    client = api.as_user(w.user(Role.CITY_ADMIN))

    def names():
        results = client.get("/api/v1/enterprises/?expiring_within=60").json()["results"]
        return {e["name"] for e in results}

    assert names() == {"园区内企业", "西夏企业"}
    current.removed_at = timezone.now()  # a removed manager's certificate no longer counts
    current.save()
    assert names() == {"园区内企业"}


def test_the_list_sorts(ledger, api):
    client = api.as_user(ledger.user(Role.SYSTEM_ADMIN))
    names = [e["name"] for e in client.get("/api/v1/enterprises/?sort=-name").json()["results"]]
    assert names == sorted(names, reverse=True)


def test_a_filter_value_outside_the_scope_is_a_field_error(ledger, api):
    response = api.as_user(ledger.user(Role.COUNTY_ADMIN)).get(
        f"/api/v1/enterprises/?region={ledger.other_county.pk}"
    )
    assert response.status_code == 400
    assert "region" in response.json()["error"]["fields"]


# Nested personnel and licences


def operator_payload(**extra):
    return {
        "name": "电工乙",
        "id_number": ID_NUMBER,
        "certificate_type": "electrician",
        "certificate_number": "T640104009",
        "valid_to": str(date.today() + timedelta(days=365)),
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_personnel_of_the_inside_enterprise_for_every_role(world, api, role):
    client = api.as_user(world.users[role])
    url = f"/api/v1/enterprises/{world.inside.pk}/personnel/"
    created = client.post(url, operator_payload())
    may_read = role is not None
    may_write = role in REGULATORS | ENTERPRISE_STAFF
    assert created.status_code == (201 if may_write else 403 if may_read else 404)
    if not may_write:
        SpecialOperator.objects.create(enterprise=world.inside, **operator_payload())
    listing = client.get(url)
    assert listing.status_code == (200 if may_read else 404)
    if may_read:
        [row] = listing.json()["results"]
        reveal = role in ADMINS | ENTERPRISE_STAFF
        assert row["id_number"] == (ID_NUMBER if reveal else "1101**********002X")


@pytest.mark.parametrize("role", ROLES)
def test_personnel_outside_the_scope_is_404(world, api, role):
    op = SpecialOperator.objects.create(enterprise=world.outside, **operator_payload())
    client = api.as_user(world.users[role])
    base = f"/api/v1/enterprises/{world.outside.pk}/personnel/"
    expected = 200 if role == Role.SYSTEM_ADMIN else 404
    assert client.get(base).status_code == expected
    assert client.get(f"{base}{op.pk}/").status_code == expected
    assert client.post(base, operator_payload(name="另一个")).status_code == (
        201 if role == Role.SYSTEM_ADMIN else 404
    )


def test_personnel_audit_masks_the_id_number(world, api):
    api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/enterprises/{world.inside.pk}/personnel/", operator_payload()
    )
    entry = AuditEntry.objects.get(action="enterprises.specialoperator.create")
    assert entry.changes["id_number"] == ["***", "***"]
    assert entry.actor == world.user(Role.SAFETY_MANAGER)


@pytest.mark.parametrize(
    "payload, field",
    [
        (operator_payload(id_number="110105194912310021"), "id_number"),
        (operator_payload(certificate_type="juggling"), "certificate_type"),
        (operator_payload(valid_to="soon"), "valid_to"),
        (operator_payload(name=""), "name"),
    ],
)
def test_bad_personnel_input_gets_field_errors(world, api, payload, field):
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/enterprises/{world.inside.pk}/personnel/", payload
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def licence_payload(**extra):
    return {
        "kind": "safety_production",
        "number": "(宁)WH安许证字[2025]017",
        "authority": "宁夏回族自治区应急管理厅",
        "valid_from": "2025-01-01",
        "valid_to": "2028-01-01",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_licences_for_every_role_inside_and_outside(world, api, role):
    client = api.as_user(world.users[role])
    inside = f"/api/v1/enterprises/{world.inside.pk}/licences/"
    outside = f"/api/v1/enterprises/{world.outside.pk}/licences/"
    may_write = role in REGULATORS | ENTERPRISE_STAFF
    assert client.post(inside, licence_payload()).status_code == (
        201 if may_write else 404 if role is None else 403
    )
    assert client.get(inside).status_code == (404 if role is None else 200)
    assert client.get(outside).status_code == (200 if role == Role.SYSTEM_ADMIN else 404)
    if may_write:
        detail = client.get(f"/api/v1/enterprises/{world.inside.pk}/").json()
        assert [lic["number"] for lic in detail["licences"]] == ["(宁)WH安许证字[2025]017"]


def test_a_licence_that_ends_before_it_starts_is_refused(world, api):
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        f"/api/v1/enterprises/{world.inside.pk}/licences/",
        licence_payload(valid_from="2026-01-01", valid_to="2025-01-01"),
    )
    assert response.status_code == 400
    assert "valid_to" in response.json()["error"]["fields"]


def test_the_schema_describes_the_ledger(db, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{id}/",
        "/api/v1/enterprises/{enterprise_pk}/personnel/",
        "/api/v1/enterprises/{enterprise_pk}/licences/",
    ]:
        assert path in schema["paths"], path

"""The API: the role × scope matrix with exact statuses on every endpoint, the conflict of
interest refused with 400 on `expert`, and bad input answered 400 on its field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.sourcecontrol import orders, services
from safeloop.sourcecontrol.choices import RelationKind
from tests.scope import ROLES, assert_status
from tests.sourcecontrol.conftest import assign

TODAY = timezone.localdate
API = "/api/v1/"


def _order(world, enterprise):
    return orders.issue_stop_order(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=enterprise,
        number=f"停-{enterprise.pk}",
        issued_on=TODAY(),
        scope="part",
        reason="r",
        requirements="q",
    )


def _status(role, inside: dict, default: int) -> int:
    return inside.get(role, default)


@pytest.mark.parametrize("role", ROLES)
def test_stop_orders_read_and_apply(world, api, role):
    inside, outside = _order(world, world.inside), _order(world, world.outside)
    user = world.users[role]
    api.as_user(user)
    read = 404 if role is None else 200
    assert_status(api.get(f"{API}source-stop-orders/{inside.pk}/"), read)
    assert_status(
        api.get(f"{API}source-stop-orders/{outside.pk}/"), 200 if role == Role.SYSTEM_ADMIN else 404
    )
    body = {"version": inside.version, "text": "已整改"}
    expected = 200 if role in ENTERPRISE_STAFF else 403 if role is not None else 404
    assert_status(api.post(f"{API}source-stop-orders/{inside.pk}/apply/", body), expected)
    body = {"version": outside.version, "text": "已整改"}
    expected = 403 if role == Role.SYSTEM_ADMIN else 404
    assert_status(api.post(f"{API}source-stop-orders/{outside.pk}/apply/", body), expected)


@pytest.mark.parametrize("role", ROLES)
def test_issuing_a_stop_order(world, api, role):
    api.as_user(world.users[role])
    body = {
        "enterprise": world.inside.pk,
        "number": "兴停1号",
        "issued_on": TODAY().isoformat(),
        "scope": "whole",
        "reason": "r",
        "requirements": "q",
    }
    expected = 201 if role in REGULATORS else 403 if role is not None else 400
    assert_status(api.post(f"{API}source-stop-orders/", body), expected)


@pytest.mark.parametrize("role", ROLES)
def test_cancellation_moves(world, api, lapsed, role):
    record = orders.propose_cancellation(actor=None, licence=lapsed)
    api.as_user(world.users[role])
    body = {"version": record.version, "text": "告知"}
    expected = 200 if role in REGULATORS else 403 if role is not None else 404
    assert_status(api.post(f"{API}source-cancellations/{record.pk}/notify/", body), expected)


@pytest.mark.parametrize("role", ROLES)
def test_scanning_for_lapsed_licences(world, api, lapsed, role):
    api.as_user(world.users[role])
    response = api.post(f"{API}source-cancellations/scan/", {})
    assert_status(response, 200 if role in REGULATORS else 403)
    if role in REGULATORS:
        assert response.json() == {"proposed": 1}


@pytest.mark.parametrize("role", ROLES)
def test_elimination_report(world, api, role):
    item = services.list_elimination(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.inside,
        year=TODAY().year,
        capacity="c",
        reason="r",
        deadline=TODAY() + timedelta(days=30),
    )
    api.as_user(world.users[role])
    body = {"version": item.version, "text": "已拆除"}
    expected = 200 if role in REGULATORS | ENTERPRISE_STAFF else 403 if role is not None else 404
    assert_status(api.post(f"{API}source-elimination/{item.pk}/report/", body), expected)


@pytest.mark.parametrize("role", ROLES)
def test_inventory_match(world, api, role):
    for firm in (world.inside, world.outside):
        services.add_item(
            actor=world.user(Role.SYSTEM_ADMIN), enterprise=firm, kind="process", name="化铁炼钢"
        )
    api.as_user(world.users[role])
    inside = 201 if role in REGULATORS | ENTERPRISE_STAFF else 403 if role is not None else 404
    response = api.post(f"{API}source-inventory/match/", {"enterprise": world.inside.pk})
    assert_status(response, inside)
    if inside == 201:
        assert len(response.json()) == 1
        again = api.post(f"{API}source-inventory/match/", {"enterprise": world.inside.pk})
        assert_status(again, 200)
        assert again.json() == []
    outside = 201 if role == Role.SYSTEM_ADMIN else 404
    response = api.post(f"{API}source-inventory/match/", {"enterprise": world.outside.pk})
    assert_status(response, outside)


ASSIGN = {
    Role.SYSTEM_ADMIN: 201,
    Role.CITY_ADMIN: 201,
    Role.COUNTY_ADMIN: 201,
    Role.CITY_INSPECTOR: 403,
    Role.COUNTY_INSPECTOR: 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_assigning_an_expert(world, api, pool, role):
    api.as_user(world.users[role])
    body = {"expert": pool["other"].pk, "enterprise": world.inside.pk}
    response = api.post(f"{API}source-contracts/{pool['contract'].pk}/assign/", body)
    assert_status(response, ASSIGN.get(role, 404))


@pytest.mark.parametrize("kind", RelationKind.values)
def test_the_api_refuses_a_tied_expert_on_the_expert_field(world, api, pool, kind):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    declared = api.post(
        f"{API}source-expert-relations/",
        {"expert": pool["expert"].pk, "enterprise": world.inside.pk, "kind": kind},
    )
    assert_status(declared, 201)
    body = {"expert": pool["expert"].pk, "enterprise": world.inside.pk}
    response = api.post(f"{API}source-contracts/{pool['contract'].pk}/assign/", body)
    assert_status(response, 400)
    assert "利益冲突" in response.json()["error"]["fields"]["expert"][0]


READ_POOL = {r: 200 for r in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR)}
READ_POOL |= {Role.COUNTY_ADMIN: 200, Role.COUNTY_INSPECTOR: 200}


@pytest.mark.parametrize("role", ROLES)
def test_the_expert_pool_and_contracts_are_the_regulators(world, api, pool, role):
    api.as_user(world.users[role])
    assert_status(api.get(f"{API}source-experts/{pool['expert'].pk}/"), READ_POOL.get(role, 404))
    assert_status(
        api.get(f"{API}source-contracts/{pool['contract'].pk}/"), READ_POOL.get(role, 404)
    )
    expected = 200 if role in ADMINS else 403 if role in READ_POOL else 404
    body = {"version": pool["expert"].version, "specialty": "冶金"}
    assert_status(api.patch(f"{API}source-experts/{pool['expert'].pk}/", body), expected)


@pytest.mark.parametrize("role", ROLES)
def test_visits_are_the_assigned_experts_and_findings_the_enterprises(world, api, pool, role):
    assignment = assign(pool, world)
    visit = services.record_visit(
        actor=world.user(Role.EXPERT),
        assignment=assignment,
        visited_on=TODAY(),
        summary="指导",
        findings=[{"place": "车间", "description": "问题"}],
    )
    api.as_user(world.users[role])
    seen = role is not None
    body = {"visited_on": TODAY().isoformat(), "summary": "复查"}
    expected = 201 if role == Role.EXPERT else 403 if seen else 404
    assert_status(api.post(f"{API}source-assignments/{assignment.pk}/visits/", body), expected)
    expected = 200 if role in REGULATORS | ENTERPRISE_STAFF else 403 if seen else 404
    assert_status(api.post(f"{API}source-visits/{visit.pk}/register/", {}), expected)


@pytest.mark.parametrize("role", ROLES)
def test_the_catalogue_is_read_by_all_and_added_to_by_administrators(world, api, role):
    api.as_user(world.users[role])
    assert_status(api.get(f"{API}source-catalogue/"), 200)
    body = {
        "code": "TEST-1",
        "kind": "equipment",
        "name": "测试设备",
        "keywords": "测试",
        "source": "测试目录",
        "published_on": TODAY().isoformat(),
        "effective_from": TODAY().isoformat(),
    }
    assert_status(api.post(f"{API}source-catalogue/", body), 201 if role in ADMINS else 403)


def test_bad_input_is_a_field_error_and_changes_nothing(world, api, pool):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    for body, field in [
        ({"expert": "x", "enterprise": world.inside.pk}, "expert"),
        ({"expert": pool["expert"].pk}, "enterprise"),
        ({"expert": 10**30, "enterprise": world.inside.pk}, "expert"),
    ]:
        response = api.post(f"{API}source-contracts/{pool['contract'].pk}/assign/", body)
        assert_status(response, 400)
        assert field in response.json()["error"]["fields"]
    response = api.post(
        f"{API}source-stop-orders/",
        {
            "enterprise": world.inside.pk,
            "number": "<script>alert(1)</script>" * 10,
            "issued_on": "not a date",
            "reason": "",
            "requirements": "q",
        },
    )
    assert_status(response, 400)
    assert {"number", "issued_on", "reason"} <= set(response.json()["error"]["fields"])
    from safeloop.sourcecontrol.models import ExpertAssignment, StopOrder

    assert not ExpertAssignment.objects.exists() and not StopOrder.objects.exists()

"""The screens: the role × scope matrix (exact statuses), the conflict of interest refused
on the assignment form in Chinese, the lifecycles through their pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.sourcecontrol import orders, services
from safeloop.sourcecontrol.choices import RelationKind
from safeloop.sourcecontrol.models import ExpertAssignment, StopOrder
from tests.scope import ROLES, assert_status
from tests.sourcecontrol.conftest import assign

TODAY = timezone.localdate
POOL_READERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_answers_each_role_exactly(world, client, pool, role):
    assignment = assign(pool, world)
    visit = services.record_visit(
        actor=world.user(Role.EXPERT), assignment=assignment, visited_on=TODAY(), summary="指导"
    )
    order = orders.issue_stop_order(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.inside,
        number="停1",
        issued_on=TODAY(),
        scope="part",
        reason="r",
        requirements="q",
    )
    item = services.list_elimination(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.inside,
        year=TODAY().year,
        capacity="c",
        reason="r",
        deadline=TODAY() + timedelta(days=30),
    )
    client.force_login(world.users[role])
    seen = 404 if role is None else 200
    lists = 200 if role in REGULATORS | ENTERPRISE_STAFF else 403
    expected = {
        "/source/": 200,
        "/source/catalogue/": 200,
        "/source/experts/": 200 if role in REGULATORS else 403,
        "/source/contracts/": 200 if role in REGULATORS else 403,
        f"/source/experts/{pool['expert'].pk}/": 200 if role in POOL_READERS else 404,
        f"/source/contracts/{pool['contract'].pk}/": 200 if role in POOL_READERS else 404,
        f"/source/assignments/{assignment.pk}/": seen,
        f"/source/visits/{visit.pk}/": seen,
        f"/source/inventory/{world.inside.pk}/": seen,
        f"/source/inventory/{world.outside.pk}/": 200 if role == Role.SYSTEM_ADMIN else 404,
        "/source/elimination/": lists,
        f"/source/elimination/{item.pk}/": seen,
        "/source/cancellations/": lists,
        "/source/stop-orders/": lists,
        f"/source/stop-orders/{order.pk}/": seen,
    }
    for url, status in expected.items():
        assert_status(client.get(url), status, url)


@pytest.mark.parametrize("kind", RelationKind.values)
def test_the_assignment_form_refuses_a_tied_expert_in_chinese(world, client, pool, kind):
    services.declare_relation(
        actor=pool["admin"], expert=pool["expert"], enterprise=world.inside, kind=kind
    )
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.post(
        f"/source/contracts/{pool['contract'].pk}/",
        {"expert": pool["expert"].pk, "enterprise": world.inside.pk},
    )
    assert_status(response, 400)
    html = response.content.decode()
    assert "存在利益冲突" in html and 'data-field="expert"' in html
    assert not ExpertAssignment.objects.exists()


def test_a_relation_declared_on_the_screen_withdraws_the_assignment(world, client, pool):
    assignment = assign(pool, world)
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        f"/source/experts/{pool['expert'].pk}/",
        {"enterprise": world.inside.pk, "kind": RelationKind.EMPLOYED},
    )
    assert_status(response, 302)
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None


def test_the_stop_order_pages_walk_to_resumption(world, client):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = client.post(
        "/source/stop-orders/",
        {
            "enterprise": world.inside.pk,
            "number": "兴停9号",
            "issued_on": TODAY().isoformat(),
            "scope": "whole",
            "reason": "未设泄爆",
            "requirements": "加装",
        },
    )
    assert_status(response, 302)
    order = StopOrder.objects.get()
    url = f"/source/stop-orders/{order.pk}/"
    # the inspector may not apply: 403
    assert_status(client.post(url, {"form": "apply", "version": 1, "text": "x"}), 403)
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert_status(client.post(url, {"form": "apply", "version": 1, "text": ""}), 400)
    assert_status(client.post(url, {"form": "apply", "version": 1, "text": "已加装"}), 302)
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    body = {
        "form": "inspect",
        "version": 2,
        "passed": "1",
        "inspected_on": TODAY(),
        "inspection": "符合",
    }
    assert_status(client.post(url, body), 302)
    # the inspector does not decide; the county administrator does
    assert "decide-form" not in client.get(url).content.decode()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    body = {"form": "decide", "version": 3, "approve": "1", "decision": "同意"}
    assert_status(client.post(url, body), 302)
    order.refresh_from_db()
    assert order.state == "resumed"
    assert "已批准复产" in client.get(url).content.decode()


def test_the_inventory_page_matches_once(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    url = f"/source/inventory/{world.inside.pk}/"
    body = {"kind": "process", "name": "化铁炼钢", "quantity": 1}
    assert_status(client.post(url, body), 302)
    assert_status(client.post(url, {"kind": "nope", "name": "", "quantity": "x"}), 400)
    assert_status(client.post(url, {"form": "match"}), 302)
    assert_status(client.post(url, {"form": "match"}), 302)
    html = client.get(url).content.decode()
    assert html.count("产业结构调整指导目录") == 1

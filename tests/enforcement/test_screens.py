"""The role × scope matrix of every enforcement screen, exact statuses; bad input is a 400
with the field's message; the public page carries no personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enforcement import services
from safeloop.enforcement.models import Document, Sanction
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.enforcement.conftest import issue_order, make_hazard
from tests.scope import ROLES, assert_status

ENFORCERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}
READERS = set(REGULATORS | ENTERPRISE_STAFF)


def login(client, world, role):
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_document_pages_answer_each_role(world, client, order, role):
    login(client, world, role)
    inside = 200 if role in READERS else 404
    assert_status(client.get(f"/enforcement/documents/{order.pk}/"), inside)
    assert_status(client.get(f"/enforcement/documents/{order.pk}/document.pdf"), inside)
    assert_status(client.get("/enforcement/"), inside)
    assert_status(client.get("/enforcement/cases/"), inside)
    assert_status(client.get("/enforcement/sanctions/"), inside)
    regulator = 200 if role in REGULATORS else 404
    assert_status(client.get("/enforcement/proposals/"), regulator)
    assert_status(client.get("/enforcement/rules/"), regulator)
    outside = make_hazard(world.outside)
    theirs = issue_order(world, outside, actor=world.user(Role.SYSTEM_ADMIN))
    assert_status(
        client.get(f"/enforcement/documents/{theirs.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 404,
    )


@pytest.mark.parametrize("role", ROLES)
def test_serving_a_document_answers_each_role(world, client, order, role):
    login(client, world, role)
    response = client.post(
        f"/enforcement/documents/{order.pk}/serve/", {"version": 1, "signed_by": "张三"}
    )
    expected = 302 if role in ENFORCERS else 403 if role in READERS else 404
    assert_status(response, expected)
    order.refresh_from_db()
    assert (order.state == "served") == (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_issuing_from_a_visit_answers_each_role(world, client, visit, role):
    login(client, world, role)
    # an assigned visit is not shown to the enterprise side yet
    expected = 200 if role in ENFORCERS else 403 if role in REGULATORS else 404
    assert_status(client.get(f"/enforcement/documents/new/?visit={visit.pk}"), expected)
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        "/enforcement/documents/new/",
        {"visit": visit.pk, "kind": "order", "findings": "消防通道堵塞", "deadline": deadline},
    )
    assert_status(response, 302 if role in ENFORCERS else expected)
    assert Document.objects.filter(visit=visit).exists() == (role in ENFORCERS)


def test_bad_input_is_a_400_on_the_field_and_keeps_what_was_typed(world, client, visit):
    login(client, world, Role.COUNTY_INSPECTOR)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/enforcement/documents/new/",
        {"visit": visit.pk, "kind": "order", "findings": "<script>x</script>", "deadline": past},
    )
    assert_status(response, 400)
    html = response.content.decode()
    assert "整改期限不能早于今天" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    response = client.post(
        "/enforcement/documents/new/",
        {"visit": visit.pk, "kind": "measures", "findings": "粉尘", "measures": ["bogus"]},
    )
    assert_status(response, 400)
    assert not Document.objects.exists()
    assert_status(client.get("/enforcement/documents/new/?visit=abc"), 404)


def test_the_visit_and_hazard_pages_link_their_documents(world, client, visit, hazard):
    document = issue_order(world, hazard, visit=visit)
    for role in (Role.COUNTY_INSPECTOR, Role.GRID_INSPECTOR):
        login(client, world, role)
        for url in (
            f"/inspections/visits/{visit.pk}/",
            f"/hazards/{hazard.pk}/",
            f"/enterprises/{world.inside.pk}/",
        ):
            html = client.get(url).content.decode()
            assert f"/enforcement/documents/{document.pk}/document.pdf" in html, (role, url)
    login(client, world, Role.SAFETY_MANAGER)
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert f"/enforcement/documents/{document.pk}/document.pdf" in html
    assert "/enforcement/documents/new/" not in html


@pytest.mark.parametrize("role", ROLES)
def test_approving_a_measure_answers_each_role(world, client, departments, role):
    sanction = services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind="criticism",
        target_kind="enterprise",
        enterprise=world.inside,
        reason="隐患逾期未整改",
        approval_level="county",
    )
    login(client, world, role)
    assert_status(
        client.get(f"/enforcement/sanctions/{sanction.pk}/"), 200 if role in READERS else 404
    )
    response = client.post(f"/enforcement/sanctions/{sanction.pk}/approve/", {"version": 1})
    approvers = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}
    expected = 302 if role in approvers else 403 if role in READERS else 404
    assert_status(response, expected)
    sanction.refresh_from_db()
    assert bool(sanction.number) == (expected == 302)
    if expected == 302:
        assert_status(client.get(f"/enforcement/sanctions/{sanction.pk}/notice.pdf"), 200)


def test_the_public_page_carries_no_personal_data(world, client, departments):
    sanction = services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind="yellow_card",
        target_kind="person",
        enterprise=world.inside,
        person_name="王五",
        person_post="安全总监",
        reason="联系电话13912345678，身份证640104199001011234，座机0951-6012345，隐患逾期",
        approval_level="county",
    )
    hidden = services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind="written_review",
        target_kind="enterprise",
        enterprise=world.inside,
        reason="内部书面检查",
        approval_level="county",
    )
    for s in (sanction, hidden):
        services.approve_sanction(actor=world.user(Role.COUNTY_ADMIN), sanction=s, version=1)
    client.logout()
    response = client.get("/public/sanctions/")
    assert_status(response, 200)
    html = response.content.decode()
    assert "黄牌警告" in html and "王五" in html and "安全总监" in html
    for secret in ("13912345678", "640104199001011234", "6012345"):
        assert secret not in html
    assert "内部书面检查" not in html
    assert Sanction.objects.get(pk=hidden.pk).public is False

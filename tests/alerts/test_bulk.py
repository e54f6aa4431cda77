"""Warnings that can be worked: grouped with counts on the list, and acknowledged many at a
time with one note — through the service, the screen and the API, all or none, for every role
inside and outside its scope."""

import pytest

from safeloop.alerts import services
from safeloop.alerts.choices import WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.alerts.test_views import three  # noqa: F401 — fixture
from tests.scope import ROLES, assert_status


def states(*warnings):
    return [EarlyWarning.objects.get(pk=w.pk).state for w in warnings]


def expected(world, role, warning) -> int:
    user = world.users[role]
    if not EarlyWarning.objects.for_user(user).filter(pk=warning.pk).exists():
        return 404
    return 200 if role in REGULATORS or role in ENTERPRISE_STAFF else 403


@pytest.mark.parametrize("role", ROLES)
def test_the_api_acknowledges_many_as_each_role_may(world, three, api, role):  # noqa: F811
    inside, outside = three[world.inside.pk], three[world.outside.pk]
    api.as_user(world.users[role])
    for warning in (inside, outside):
        status = expected(world, role, warning)
        response = api.post(
            "/api/v1/warnings/acknowledge-many/",
            {"items": [{"id": warning.pk, "version": warning.version}], "note": "已安排"},
        )
        assert_status(response, status)
        landed = WarningState.ACKNOWLEDGED if status == 200 else WarningState.OPEN
        assert states(warning) == [landed]
        if status == 200:
            assert response.json() == {"acknowledged": 1}
            assert EarlyWarning.objects.get(pk=warning.pk).note == "已安排"


def test_one_refused_item_refuses_the_lot(world, three, api):  # noqa: F811
    inside, sibling, outside = (three[e.pk] for e in (world.inside, world.sibling, world.outside))
    api.as_user(world.user(Role.COUNTY_ADMIN))
    items = [{"id": w.pk, "version": w.version} for w in (inside, sibling, outside)]
    response = api.post("/api/v1/warnings/acknowledge-many/", {"items": items})
    assert_status(response, 404)
    assert states(inside, sibling, outside) == [WarningState.OPEN] * 3
    stale = [{"id": inside.pk, "version": inside.version + 1}]
    assert_status(api.post("/api/v1/warnings/acknowledge-many/", {"items": stale}), 409)
    services.acknowledge(warning=inside, actor=world.user(Role.COUNTY_ADMIN))
    again = [{"id": inside.pk, "version": inside.version + 1}]
    assert_status(api.post("/api/v1/warnings/acknowledge-many/", {"items": again}), 409)
    assert not AuditEntry.objects.filter(
        action="alerts.earlywarning.acknowledge", object_id=str(outside.pk)
    ).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"items": []}, "items"),
        ({}, "items"),
        ({"items": [{"id": "x", "version": 1}]}, "items"),
        ({"items": [{"id": 1}]}, "items"),
        ({"items": "1:1"}, "items"),
        ({"items": [{"id": 1, "version": 1}], "note": "长" * 2001}, "note"),
        ({"items": [{"id": n, "version": 1} for n in range(1, 502)]}, "items"),
    ],
)
def test_the_api_refuses_bad_input_on_its_field(world, three, api, body, field):  # noqa: F811
    api.as_user(world.user(Role.COUNTY_ADMIN))
    response = api.post("/api/v1/warnings/acknowledge-many/", body, format="json")
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert not EarlyWarning.objects.exclude(state=WarningState.OPEN).exists()


def test_a_warning_listed_twice_is_refused(world, three, api):  # noqa: F811
    inside = three[world.inside.pk]
    api.as_user(world.user(Role.COUNTY_ADMIN))
    item = {"id": inside.pk, "version": inside.version}
    response = api.post("/api/v1/warnings/acknowledge-many/", {"items": [item, item]})
    assert_status(response, 400)
    assert states(inside) == [WarningState.OPEN]


def test_the_screen_ticks_acknowledge_with_one_note(world, three, client):  # noqa: F811
    inside, sibling = three[world.inside.pk], three[world.sibling.pk]
    client.force_login(world.user(Role.CITY_ADMIN))
    page = client.get("/alerts/").content.decode()
    assert f'value="{inside.pk}:{inside.version}"' in page
    response = client.post(
        "/alerts/acknowledge/",
        {"items": [f"{w.pk}:{w.version}" for w in (inside, sibling)], "note": "统一安排复查"},
        follow=True,
    )
    assert "已知悉 2 条预警" in response.content.decode()
    assert states(inside, sibling) == [WarningState.ACKNOWLEDGED] * 2
    assert {EarlyWarning.objects.get(pk=w.pk).note for w in (inside, sibling)} == {"统一安排复查"}


def test_the_screen_refuses_unreadable_or_foreign_ticks(world, three, client):  # noqa: F811
    inside, outside = three[world.inside.pk], three[world.outside.pk]
    client.force_login(world.user(Role.COUNTY_ADMIN))
    for items, message in ((["oops"], "无法识别所选预警"), ([], "请至少勾选一条预警")):
        response = client.post("/alerts/acknowledge/", {"items": items}, follow=True)
        assert_status(response, 200)
        assert message in response.content.decode()
    # A warning outside the scope answers as one that does not exist, and nothing moves.
    foreign = [f"{inside.pk}:{inside.version}", f"{outside.pk}:{outside.version}"]
    assert_status(client.post("/alerts/acknowledge/", {"items": foreign}), 404)
    assert states(inside, outside) == [WarningState.OPEN] * 2
    client.force_login(world.users[None])
    response = client.post("/alerts/acknowledge/", {"items": [f"{inside.pk}:1"]})
    assert_status(response, 404)


@pytest.mark.parametrize("group", ["rule", "enterprise", "region"])
def test_the_list_groups_with_counts(world, three, client, group):  # noqa: F811
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get(f"/alerts/?group={group}").content.decode()
    if group == "rule":  # one rule: no grouping table to show
        assert 'id="warning-groups"' not in html
        return
    assert 'id="warning-groups"' in html
    if group == "enterprise":
        assert world.inside.name in html and world.sibling.name in html
        assert f"enterprise={world.inside.pk}" in html
    else:
        assert world.county.name in html

"""The warnings and key units screens, their export and their API, for every role inside and
outside its scope; bad input gives field errors and changes nothing."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from safeloop.alerts import evaluation, keyunits
from safeloop.alerts.choices import RuleCode, WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Level
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.alerts.conftest import hazard_on
from tests.alerts.test_rules import licence
from tests.scope import ROLES, assert_hidden, assert_refused


@pytest.fixture
def three(world, rule):
    """A licence warning and a key unit (open major hidden danger) in each enterprise."""
    for number, enterprise in enumerate((world.inside, world.sibling, world.outside)):
        licence(enterprise, 20, number=f"L{number}")
        hazard_on(enterprise, level=Level.MAJOR)
    evaluation.evaluate(rule(RuleCode.LICENCE_EXPIRY))
    keyunits.refresh()  # what the worker does after the commit (tests/alerts/test_key_units.py)
    return {w.enterprise_id: w for w in EarlyWarning.objects.all()}


def visible_warnings(user):
    return set(EarlyWarning.objects.for_user(user).values_list("pk", flat=True))


def ids(pattern, html):
    return {int(pk) for pk in re.findall(pattern, html)}


@pytest.mark.parametrize("role", ROLES)
def test_the_warning_list_shows_the_scope(world, three, client, role):
    client.force_login(world.users[role])
    response = client.get("/alerts/")
    assert response.status_code == 200
    shown = ids(r'data-warning="(\d+)"', response.content.decode())
    assert shown == visible_warnings(world.users[role])
    assert (three[world.inside.pk].pk in shown) is (role is not None)
    assert (three[world.outside.pk].pk in shown) is (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", ROLES)
def test_the_warning_detail_answers_404_outside_the_scope(world, three, client, role):
    client.force_login(world.users[role])
    for warning in three.values():
        response = client.get(f"/alerts/{warning.pk}/")
        visible = warning.pk in visible_warnings(world.users[role])
        assert response.status_code == (200 if visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_moves_offered_and_made_on_the_screen(world, three, client, role):
    warning = three[world.inside.pk]
    client.force_login(world.users[role])
    page = client.get(f"/alerts/{warning.pk}/").content.decode()
    offered = set(re.findall(r'data-move="(\w+)"', page))
    may_ack = role in REGULATORS or role in ENTERPRISE_STAFF
    assert offered == (
        {"acknowledge", "close"} if role in REGULATORS else {"acknowledge"} if may_ack else set()
    )
    response = client.post(
        f"/alerts/{warning.pk}/move/acknowledge/",
        {"acknowledge-note": "<script>x</script>", "acknowledge-version": warning.version},
    )
    warning.refresh_from_db()
    if may_ack:
        assert response.status_code == 302
        assert warning.state == WarningState.ACKNOWLEDGED
        assert warning.note == "<script>x</script>"
        assert "<script>x</script>" not in client.get(f"/alerts/{warning.pk}/").content.decode()
    else:
        assert response.status_code == (404 if role is None else 403)
        assert warning.state == WarningState.OPEN


def test_a_close_without_a_note_is_a_field_error_in_chinese(world, three, client):
    warning = three[world.inside.pk]
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.post(
        f"/alerts/{warning.pk}/move/close/",
        {"close-note": "", "close-version": warning.version},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert 'data-error="note"' in response.content.decode()
    assert "该字段是必填项" in response.content.decode()
    response = client.post(
        f"/alerts/{warning.pk}/move/close/", {"close-note": "好", "close-version": "abc"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/alerts/{warning.pk}/move/close/", {"close-note": "好", "close-version": 99}
    )
    assert response.status_code == 409
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN
    assert client.post(f"/alerts/{warning.pk}/move/nonsense/", {}).status_code == 404


def test_bad_filters_are_a_400_and_change_nothing(world, three, client):
    """A value the filter does not offer (a bogus choice, a region or park outside the scope,
    a malformed number) is invalid input: 400 with the filter form showing why, as the API."""
    client.force_login(world.user(Role.CITY_ADMIN))
    before = set(EarlyWarning.objects.values_list("pk", "state", "version"))
    for query in ("state=bogus", "rule=%27;drop", "region=999999", "enterprise=abc"):
        assert client.get(f"/alerts/?{query}").status_code == 400, query
        assert client.get(f"/api/v1/warnings/?{query}").status_code == 400, query
    for query in ("reason=bogus", "region=640202", "park=abc"):
        assert client.get(f"/alerts/key-units/?{query}").status_code == 400, query
        assert client.get(f"/api/v1/key-units/?{query}").status_code == 400, query
    # A page number out of range is no filter: the nearest page is shown.
    assert client.get("/alerts/key-units/?page=-1").status_code == 200
    assert set(EarlyWarning.objects.values_list("pk", "state", "version")) == before


@pytest.mark.parametrize("role", ROLES)
def test_the_key_units_list_and_export_follow_the_scope(world, three, client, role):
    user = world.users[role]
    client.force_login(user)
    response = client.get("/alerts/key-units/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = set(Enterprise.objects.for_user(user).values_list("pk", flat=True))
    assert ids(r'data-enterprise="(\d+)"', html) == expected
    if expected:
        assert 'data-reason="major_open"' in html
    export = client.get("/alerts/key-units/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(Enterprise.objects.filter(pk__in=expected).values_list("name", flat=True))


def test_the_key_units_filters(world, three, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/alerts/key-units/?region=640105").content.decode()
    assert ids(r'data-enterprise="(\d+)"', html) == {world.sibling.pk}
    html = client.get("/alerts/key-units/?reason=red_risk").content.decode()
    assert ids(r'data-enterprise="(\d+)"', html) == set()
    html = client.get(f"/alerts/key-units/?park={world.park.pk}").content.decode()
    assert ids(r'data-enterprise="(\d+)"', html) == {world.inside.pk}


@pytest.mark.parametrize("url", ["/alerts/", "/alerts/key-units/", "/alerts/key-units/export.xlsx"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url, db):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---------------------------------------------------------------- API
@pytest.mark.parametrize("role", ROLES)
def test_the_warnings_api_follows_the_scope(world, three, api, role):
    user = world.users[role]
    api.as_user(user)
    body = api.get("/api/v1/warnings/").json()
    assert {row["id"] for row in body["results"]} == visible_warnings(user)
    for warning in three.values():
        response = api.get(f"/api/v1/warnings/{warning.pk}/")
        assert response.status_code == (200 if warning.pk in visible_warnings(user) else 404)


@pytest.mark.parametrize("role", ROLES)
def test_acknowledge_and_close_over_the_api(world, three, api, role):
    warning = three[world.inside.pk]
    api.as_user(world.users[role])
    response = api.post(f"/api/v1/warnings/{warning.pk}/close/", {"note": "已处理"})
    if role in REGULATORS:
        assert response.status_code == 200
        assert response.json()["state"] == "closed"
        assert response.json()["allowed_moves"] == []
    elif role is None:
        assert_hidden(response)
    else:
        assert_refused(response)
        ack = api.post(f"/api/v1/warnings/{warning.pk}/acknowledge/", {})
        assert ack.status_code == (200 if role in ENTERPRISE_STAFF else 403)


def test_api_bad_input(world, three, api):
    warning = three[world.inside.pk]
    api.as_user(world.user(Role.COUNTY_ADMIN))
    response = api.post(f"/api/v1/warnings/{warning.pk}/close/", {"note": ""})
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    response = api.post(f"/api/v1/warnings/{warning.pk}/close/", {"note": "x", "version": "z"})
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]
    response = api.post(f"/api/v1/warnings/{warning.pk}/close/", {"note": "x", "version": 42})
    assert response.status_code == 409
    response = api.post(f"/api/v1/warnings/{warning.pk}/close/", ["not", "an", "object"])
    assert response.status_code == 400
    assert api.get("/api/v1/warnings/?state=nonsense").status_code == 400
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.OPEN


@pytest.mark.parametrize("role", ROLES)
def test_the_key_units_api_follows_the_scope(world, three, api, role):
    user = world.users[role]
    api.as_user(user)
    body = api.get("/api/v1/key-units/").json()
    expected = set(Enterprise.objects.for_user(user).values_list("pk", flat=True))
    assert {row["id"] for row in body["results"]} == expected
    for row in body["results"]:
        assert [r["code"] for r in row["reasons"]] == ["major_open"]
        assert row["reasons"][0]["link"] == f"/hazards/?enterprise={row['id']}&level=major"


def test_the_key_units_api_refuses_bad_parameters(world, three, api):
    api.as_user(world.user(Role.CITY_ADMIN))
    for query in ("reason=bogus", "region=64", "park=-1", "park=x"):
        response = api.get(f"/api/v1/key-units/?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["fields"]
    body = api.get("/api/v1/key-units/?region=640104&reason=major_open").json()
    assert {row["id"] for row in body["results"]} == {world.inside.pk}


def test_the_api_needs_a_signed_in_user(three, api):
    # Token authentication comes first: an anonymous call is asked to authenticate (401).
    assert api.get("/api/v1/warnings/").status_code == 401
    assert api.get("/api/v1/key-units/").status_code == 401


def test_a_reason_badge_opens_the_hidden_dangers_behind_it(world, three, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/alerts/key-units/").content.decode()
    link = re.search(
        rf'data-reason="major_open" href="(/hazards/\?enterprise={world.inside.pk}[^"]*)"', html
    ).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    shown = {int(pk) for pk in re.findall(r'data-hazard="(\d+)"', listed)}
    from safeloop.hazards.models import Hazard

    assert shown == set(
        Hazard.objects.filter(enterprise=world.inside, level=Level.MAJOR).values_list(
            "pk", flat=True
        )
    )

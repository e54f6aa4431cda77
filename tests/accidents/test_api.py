"""/api/v1/accidents/: every role inside and outside its scope, the grade computed on
create and update, the version check, voiding, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.accidents import services
from safeloop.accidents.models import Accident
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.scope import ROLES, assert_hidden, assert_refused

URL = "/api/v1/accidents/"


def body(enterprise, **extra):
    return {
        "enterprise": enterprise.pk if enterprise else None,
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place": "熔炼车间",
        "summary": "钢水喷溅",
        "deaths": 1,
        "serious_injuries": 12,
        "direct_loss": "250000.00",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_and_reads_only_inside_the_scope(world, api, make_accident, role):
    inside = make_accident()
    outside = make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    client = api.as_user(world.users[role])
    listed = {a["id"] for a in client.get(URL).json()["results"]}
    expected = set(Accident.objects.for_user(world.users[role]).values_list("pk", flat=True))
    assert listed == expected
    assert (inside.pk in listed) == (role is not None)
    assert (outside.pk in listed) == (role == Role.SYSTEM_ADMIN)
    assert client.get(f"{URL}{outside.pk}/").status_code == (
        200 if role == Role.SYSTEM_ADMIN else 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_staff_and_regulators_report_inside_their_scope_only(world, api, role):
    client = api.as_user(world.users[role])
    inside = client.post(URL, body(world.inside))
    outside = client.post(URL, body(world.outside))
    may = role in REGULATORS | ENTERPRISE_STAFF
    assert inside.status_code == (201 if may else (400 if role is None else 403)), inside.json()
    if may:
        assert inside.json()["grade"] == "serious"  # 12 serious injuries
        assert inside.json()["reported_late"] is True  # two hours after
    if role == Role.SYSTEM_ADMIN:
        assert outside.status_code == 201
    else:
        assert outside.status_code == 400
        assert "enterprise" in outside.json()["error"]["fields"]
    assert Accident.objects.filter(enterprise=world.outside).count() == (
        1 if role == Role.SYSTEM_ADMIN else 0
    )


def test_it_refuses_bad_input_field_by_field_and_writes_nothing(world, api):
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    cases = [
        ({"deaths": -1}, "deaths"),
        ({"deaths": "many"}, "deaths"),
        ({"direct_loss": "1e999"}, "direct_loss"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"place": "x" * 201}, "place"),
        ({"summary": ""}, "summary"),
        ({"accident_type": 999999}, "accident_type"),
    ]
    for change, field in cases:
        response = client.post(URL, body(world.inside, **change))
        assert response.status_code == 400, change
        assert field in response.json()["error"]["fields"], (change, response.json())
    wrong_key = client.post(URL, {**body(world.inside), "enterprise": "abc"})
    assert "enterprise" in wrong_key.json()["error"]["fields"]
    missing = client.post(URL, {"enterprise": world.inside.pk})
    assert set(missing.json()["error"]["fields"]) >= {"occurred_at", "place", "summary"}
    assert not Accident.objects.exists()


def test_it_keeps_hostile_text_as_text(world, api):
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    hostile = "<script>alert(1)</script>'; DROP TABLE accidents_accident;--"
    response = client.post(URL, body(world.inside, place=hostile[:200]))
    assert response.status_code == 201
    assert Accident.objects.get().place == hostile[:200]


def test_it_regrades_on_correction_and_refuses_a_stale_version(world, api, make_accident):
    accident = make_accident()
    assert accident.grade == "general"
    client = api.as_user(world.user(Role.COUNTY_INSPECTOR))
    url = f"{URL}{accident.pk}/"
    updated = client.patch(url, {"deaths": 3, "version": 1, "reason": "伤者经抢救无效死亡"})
    assert updated.status_code == 200, updated.json()
    assert updated.json()["grade"] == "serious" and updated.json()["version"] == 2
    stale = client.patch(url, {"deaths": 10, "version": 1, "reason": "续报"})
    assert stale.status_code == 409
    assert client.patch(url, {"deaths": 10}).status_code == 400
    assert client.patch(url, {"enterprise": world.sibling.pk, "version": 2}).status_code == 400
    accident.refresh_from_db()
    assert (accident.deaths, accident.grade, accident.enterprise) == (3, "serious", world.inside)
    actions = list(
        AuditEntry.objects.filter(object_id=str(accident.pk), action__startswith="accidents")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["accidents.accident.record", "accidents.accident.update"]


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_regulators_void_with_a_reason(world, api, make_accident, role):
    accident = make_accident()
    client = api.as_user(world.users[role])
    url = f"{URL}{accident.pk}/void/"
    response = client.post(url, {"reason": "重复录入", "version": 1})
    if role is None:
        assert_hidden(response)
    elif role in REGULATORS:
        assert response.status_code == 200, response.json()
        assert response.json()["voided"] is True
    else:
        assert_refused(response)
    accident.refresh_from_db()
    assert accident.voided == (role in REGULATORS)
    assert Accident.objects.filter(pk=accident.pk).exists()  # never deleted


def test_it_needs_a_reason_to_void_and_freezes_a_voided_record(world, api, make_accident):
    accident = make_accident()
    client = api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"{URL}{accident.pk}/"
    assert client.post(f"{url}void/", {"reason": "  ", "version": 1}).status_code == 400
    assert client.post(f"{url}void/", {"reason": "误报", "version": 1}).status_code == 200
    again = client.patch(url, {"deaths": 5, "version": 2, "reason": "续报"})
    assert again.status_code == 409  # no correction from the voided state
    assert again.json()["error"]["code"] == "illegal_move"
    assert client.post(f"{url}void/", {"reason": "再次", "version": 2}).status_code == 409
    assert client.get(url).json()["allowed_moves"] == []
    assert client.delete(url).status_code == 405


def test_it_filters_by_year_and_grade(world, api, make_accident):
    make_accident()
    old = make_accident(occurred_at=timezone.now() - timedelta(days=800), deaths=3)
    client = api.as_user(world.user(Role.CITY_ADMIN))
    year = old.occurred_at.year
    found = client.get(URL, data={"year": year, "grade": "serious"}).json()["results"]
    assert [a["id"] for a in found] == [old.pk]
    assert client.get(URL, data={"grade": "bogus"}).status_code == 400
    assert client.get(URL, data={"year": "x"}).status_code == 400


def test_voided_means_the_same_in_the_api_and_on_the_screen(world, api, client, make_accident):
    standing = make_accident(place="有效记录")
    voided = make_accident(place="作废记录")
    admin = world.user(Role.COUNTY_ADMIN)
    services.void(actor=admin, accident=voided, reason="重复录入", version=voided.version)
    api.as_user(admin)

    def listed(query):
        return {a["id"] for a in api.get(URL, data=query).json()["results"]}

    def shown(query):
        page = client.get("/accidents/", data=query).content.decode()
        return {
            pk
            for pk, place in [(standing.pk, "有效记录"), (voided.pk, "作废记录")]
            if place in page
        }

    assert listed({"voided": "true"}) == shown({"voided": "true"}) == {voided.pk}
    assert listed({"voided": "false"}) == shown({"voided": "false"}) == {standing.pk}
    assert listed({"voided": ""}) == shown({"voided": ""}) == {standing.pk, voided.pk}
    # Only the default differs: the screen starts from the records that stand.
    assert listed({}) == {standing.pk, voided.pk}
    assert shown({}) == {standing.pk}
    assert api.get(f"{URL}{voided.pk}/").json()["state"] == "voided"


@pytest.mark.parametrize("role", ROLES)
def test_a_correction_answers_one_status_per_role(world, api, client, make_accident, role):
    """The API and the screen agree: 404 unseen, 403 seen but not theirs, 200/302 done."""
    accident = make_accident()
    user = world.users[role]
    api.as_user(user)
    response = api.patch(f"{URL}{accident.pk}/", {"deaths": 1, "version": 1, "reason": "续报"})
    screen = client.get(f"/accidents/{accident.pk}/edit/")
    if role is None:
        expected = 404
    elif role in REGULATORS | ENTERPRISE_STAFF:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected, response.content
    assert screen.status_code == expected

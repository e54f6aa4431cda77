"""The duty roster and log: who may keep a region's roster, the shift rules, cancelling
with versions, whoever is on duty told of an incident, the append-only duty log (model and
database) with the incident lines command writes, and the role × scope matrix."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotPermitted
from safeloop.core.models import Notification
from safeloop.emergency import duty_services, services
from safeloop.emergency.models import AppendOnly, DutyLogEntry, DutyShift
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_list_in_scope, assert_status

CITY = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
COUNTY = CITY | {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}


def shift(world, actor=None, region=None, person=None, hours=(0, 12), **extra):
    now = timezone.now()
    return duty_services.add_shift(
        actor=actor or world.user(Role.COUNTY_ADMIN),
        region=region or world.county,
        post=extra.pop("post", "officer"),
        person=person or world.user(Role.COUNTY_INSPECTOR),
        phone="0951-6010110",
        starts_at=now + timedelta(hours=hours[0]),
        ends_at=now + timedelta(hours=hours[1]),
        **extra,
    )


def test_it_keeps_the_shift_rules(world):
    first = shift(world, hours=(-1, 11))
    assert first.region_code == "640104" and not first.cancelled
    cases = [
        ({"hours": (5, 4)}, "ends_at"),
        ({"hours": (0, 73)}, "ends_at"),
        ({"hours": (10, 20)}, "person"),  # overlaps the first shift
        ({"person": world.user(Role.PARK_OFFICER), "hours": (30, 40)}, "person"),
        ({"region": world.other_county, "hours": (30, 40)}, "region"),
    ]
    for extra, field in cases:
        with pytest.raises(Invalid) as refused:
            shift(world, **extra)
        assert refused.value.field == field, extra
    with pytest.raises(NotPermitted):  # an inspector sees the roster but does not keep it
        shift(world, actor=world.user(Role.COUNTY_INSPECTOR), hours=(30, 40))
    with pytest.raises(Invalid):  # a county administrator keeps no city roster
        shift(world, region=world.city, hours=(30, 40))
    city = shift(
        world,
        actor=world.user(Role.CITY_ADMIN),
        region=world.city,
        person=world.user(Role.CITY_INSPECTOR),
        hours=(0, 24),
    )
    assert city.region_code == "640100"


def test_it_cancels_a_shift_once_with_its_version(world):
    s = shift(world)
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(Conflict):
        duty_services.cancel_shift(actor=admin, shift=s, version=s.version + 1)
    s = duty_services.cancel_shift(actor=admin, shift=s, version=s.version)
    assert s.cancelled and DutyShift.objects.filter(pk=s.pk).exists()
    with pytest.raises(IllegalMove):
        duty_services.cancel_shift(actor=admin, shift=s, version=s.version)
    # Once cancelled the person is free for that time again.
    assert shift(world).pk != s.pk


def test_it_tells_whoever_is_on_duty_now_and_logs_the_incident(
    world, make_incident, django_capture_on_commit_callbacks
):
    city_inspector = world.user(Role.CITY_INSPECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        incident = make_incident(title="无人值班时")
    assert not Notification.objects.filter(
        recipient=city_inspector, link__contains=str(incident.pk)
    ).exists()
    shift(world, person=city_inspector)  # a city inspector on the county's duty now
    with django_capture_on_commit_callbacks(execute=True):
        with_duty = make_incident(title="有人值班时")
    assert Notification.objects.filter(
        recipient=city_inspector, link__contains=f"/incidents/{with_duty.pk}/"
    ).exists()
    lines = DutyLogEntry.objects.filter(incident=with_duty)
    assert [(line.region_code, line.kind) for line in lines] == [("640104", "incident")]
    services.escalate(
        actor=world.user(Role.COUNTY_ADMIN),
        incident=with_duty,
        version=with_duty.version,
        to_commander="市应急指挥部",
        reason="事态扩大",
    )
    assert set(
        DutyLogEntry.objects.filter(incident=with_duty).values_list("region_code", flat=True)
    ) == {
        "640104",
        "640100",
    }


def test_it_keeps_the_duty_log_append_only(world):
    entry = duty_services.log_duty(
        actor=world.user(Role.COUNTY_INSPECTOR), region=world.county, kind="call", text="群众来电"
    )
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DutyLogEntry.objects.filter(pk=entry.pk).update(text="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        DutyLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(Invalid) as refused:
        duty_services.log_duty(
            actor=world.user(Role.COUNTY_INSPECTOR), region=world.county, kind="call", text="  "
        )
    assert refused.value.field == "text"
    with pytest.raises(NotPermitted):
        duty_services.log_duty(
            actor=world.user(Role.COUNTY_INSPECTOR), region=world.city, kind="call", text="越级"
        )


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_the_rosters_of_its_scope(api, world, role):
    admin = world.user(Role.SYSTEM_ADMIN)
    from tests.conftest import make_user

    sibling_inspector = make_user("sib", Role.COUNTY_INSPECTOR, region=world.sibling_county)
    far_inspector = make_user("far", Role.COUNTY_INSPECTOR, region=world.other_county)
    county = shift(world)
    sibling = shift(world, actor=admin, region=world.sibling_county, person=sibling_inspector)
    city = shift(world, actor=admin, region=world.city, person=world.user(Role.CITY_INSPECTOR))
    far = shift(world, actor=admin, region=world.other_county, person=far_inspector)
    readers = {county: COUNTY, sibling: CITY, city: CITY, far: {Role.SYSTEM_ADMIN}}
    inside = {s.pk for s, roles in readers.items() if role in roles}
    api.as_user(world.users[role])
    assert_list_in_scope(
        api.get("/api/v1/emergency-duty-shifts/"), inside, {s.pk for s in readers} - inside
    )
    page = api.client.get("/emergency/duty/")
    assert_status(page, 200 if role in COUNTY else 403)
    response = api.post(f"/api/v1/emergency-duty-shifts/{county.pk}/cancel/", {"version": 1})
    if role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}:
        assert_status(response, 200)
    elif role in COUNTY:
        assert_status(response, 403)
    else:
        assert_status(response, 404)


def test_it_adds_shifts_and_log_lines_through_the_screens_and_api(client, api, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    now = timezone.localtime()
    data = {
        "region": world.county.pk,
        "post": "leader",
        "person": world.user(Role.COUNTY_ADMIN).pk,
        "phone": "0951-6010110",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(hours=80)).strftime("%Y-%m-%dT%H:%M"),
    }
    refused = client.post("/emergency/duty/", data)
    assert_status(refused, 400)
    assert "0951-6010110" in refused.content.decode()  # what was typed is kept
    data["ends_at"] = (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    assert_status(client.post("/emergency/duty/", data), 302)
    page = client.get("/emergency/duty/").content.decode()
    assert 'id="on-duty"' in page and "0951-6010110" in page
    logged = client.post(
        "/emergency/duty/log/", {"region": world.county.pk, "kind": "report", "text": "交班正常"}
    )
    assert_status(logged, 302)
    api.as_user(world.user(Role.COUNTY_INSPECTOR))
    bad = api.post("/api/v1/emergency-duty-log/", {"region": world.county.pk, "kind": "incident"})
    assert_status(bad, 400)
    assert {"kind", "text"} <= set(bad.json()["error"]["fields"])

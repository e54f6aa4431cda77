"""Incident command: the role × scope matrix, escalation by the grade rule and by decision
with the hand-over recorded, the dispatch state table through the services, the append-only
timeline (model and database), closing and the after-action PDF."""

import pytest
from django.db import DatabaseError, transaction

from safeloop.core.errors import IllegalMove, Invalid
from safeloop.core.models import Notification
from safeloop.emergency import services
from safeloop.emergency.choices import Availability, EntryKind, Level, TaskState
from safeloop.emergency.models import AppendOnly, Handover, Resource, TimelineEntry
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_hidden, assert_list_in_scope, assert_refused, assert_status

CITY = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
COUNTY = CITY | {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}
STAFF = {Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER}


@pytest.fixture
def incidents(world, make_incident):
    admin = world.user(Role.SYSTEM_ADMIN)
    county = make_incident(title="区内事件")
    at_enterprise = make_incident(title="企业事件", enterprise=world.inside, region=None)
    sibling = make_incident(title="西夏事件", region=world.sibling_county, actor=admin)
    far = make_incident(title="外市事件", region=world.other_county, actor=admin)
    return county, at_enterprise, sibling, far


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_county_its_incidents_the_city_all_and_staff_their_own(
    api, world, incidents, role
):
    county, at_enterprise, sibling, far = incidents
    readers = {county: COUNTY, at_enterprise: COUNTY | STAFF, sibling: CITY, far: set()}
    inside = {i.pk for i, roles in readers.items() if role in roles}
    if role == Role.SYSTEM_ADMIN:
        inside.add(far.pk)
    outside = {i.pk for i in readers} - inside
    api.as_user(world.users[role])
    assert_list_in_scope(api.get("/api/v1/emergency-incidents/"), inside, outside)
    for pk in outside:
        assert_hidden(api.client.get(f"/emergency/incidents/{pk}/"))
    response = api.post(
        f"/api/v1/emergency-incidents/{at_enterprise.pk}/log/", {"kind": "message", "text": "收到"}
    )
    if role in COUNTY:
        assert_status(response, 201)
    elif role in STAFF:
        assert_refused(response)
    else:
        assert_hidden(response)


def test_it_escalates_by_the_grade_rule_and_records_the_handover(
    world, make_incident, django_capture_on_commit_callbacks
):
    city_admin = world.user(Role.CITY_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        incident = make_incident(grade="major", commander="区长")
    assert incident.level == Level.CITY
    handover = Handover.objects.get(incident=incident)
    assert handover.by_rule and (handover.from_level, handover.to_level) == ("county", "city")
    assert handover.from_commander == "区长"
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == [EntryKind.REPORT, EntryKind.HANDOVER]
    assert Notification.objects.filter(recipient=city_admin, kind="emergency.incident").exists()
    general = make_incident(grade="general")
    assert general.level == Level.COUNTY and not general.handovers.exists()


def test_it_escalates_by_decision_once_and_checks_the_input(api, world, make_incident):
    incident = make_incident()
    api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/emergency-incidents/{incident.pk}/escalate/"
    body = {"version": incident.version, "to_commander": "市长", "reason": "跨区影响"}
    assert_status(api.post(url, {**body, "reason": " "}), 400)
    assert_status(api.post(url, {**body, "version": 99}), 409)
    assert_status(api.post(url, body), 200)
    incident.refresh_from_db()
    assert (incident.level, incident.commander) == (Level.CITY, "市长")
    handover = incident.handovers.get()
    assert not handover.by_rule and handover.reason == "跨区影响"
    assert_status(api.post(url, {**body, "version": incident.version}), 409)


def test_it_walks_the_dispatch_table_through_the_services(world, make_incident, make_resource):
    actor = world.user(Role.COUNTY_ADMIN)
    incident = make_incident()
    team = make_resource(latitude=38.5, longitude=106.3)
    task = services.dispatch(actor=actor, incident=incident, resource=team, instruction="堵漏")
    assert task.state == TaskState.DISPATCHED and task.distance_km > 0
    assert Resource.objects.get(pk=team.pk).availability == Availability.BUSY
    with pytest.raises(Invalid):  # a deployed resource cannot be sent twice
        services.dispatch(actor=actor, incident=incident, resource=team, instruction="再派")
    with pytest.raises(IllegalMove):
        services.move_task(actor=actor, task=task, move="arrive", version=task.version)
    for move, state in [
        ("set_off", TaskState.EN_ROUTE),
        ("arrive", TaskState.ON_SCENE),
        ("release", TaskState.RELEASED),
    ]:
        task = services.move_task(actor=actor, task=task, move=move, version=task.version)
        assert task.state == state
    with pytest.raises(IllegalMove):
        services.move_task(actor=actor, task=task, move="release", version=task.version)
    assert Resource.objects.get(pk=team.pk).availability == Availability.AVAILABLE
    far = make_resource(region=world.other_county)
    with pytest.raises(Invalid):  # outside the commander's scope reads like no such resource
        services.dispatch(actor=actor, incident=incident, resource=far, instruction="跨市")


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_command_move_a_task(api, world, make_incident, make_resource, role):
    incident = make_incident(enterprise=world.inside, region=None)
    team = make_resource()
    task = services.dispatch(
        actor=world.user(Role.COUNTY_ADMIN), incident=incident, resource=team, instruction="救援"
    )
    api.as_user(world.users[role])
    response = api.post(
        f"/api/v1/emergency-tasks/{task.pk}/move/", {"move": "set_off", "version": task.version}
    )
    if role in COUNTY:
        assert_status(response, 200)
    elif role in STAFF:
        assert_refused(response)
    else:
        assert_hidden(response)


def test_it_keeps_the_timeline_append_only(world, make_incident):
    incident = make_incident()
    entry = incident.timeline.get()
    entry.text = "改写"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).update(text="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).delete()
    assert TimelineEntry.objects.get(pk=entry.pk).text != "改写"


def test_it_closes_after_every_release_and_writes_the_pdf(
    client, world, make_incident, make_resource
):
    actor = world.user(Role.COUNTY_ADMIN)
    incident = make_incident()
    task = services.dispatch(
        actor=actor, incident=incident, resource=make_resource(), instruction="侦检"
    )
    client.force_login(actor)
    data = {"version": incident.version, "summary": "处置完毕，无人员伤亡。", "lessons": "加强巡检"}
    response = client.post(f"/emergency/incidents/{incident.pk}/close/", data)
    assert_status(response, 409)
    assert "处置完毕" in response.content.decode()  # what was typed stays
    assert_status(client.get(f"/emergency/incidents/{incident.pk}/report.pdf"), 409)
    services.move_task(actor=actor, task=task, move="release", version=task.version)
    assert_status(client.post(f"/emergency/incidents/{incident.pk}/close/", data), 302)
    pdf = client.get(f"/emergency/incidents/{incident.pk}/report.pdf")
    assert_status(pdf, 200)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with pytest.raises(IllegalMove):
        services.log(actor=actor, incident=incident, kind="message", text="关闭后")


def test_it_opens_from_an_accident_with_its_enterprise_and_grade(client, world):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from safeloop.accidents import services as accidents

    accident = accidents.record(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        occurred_at=timezone.now() - timedelta(minutes=5),
        place="储罐区",
        summary="泄漏",
        direct_loss=Decimal("1000"),
    )
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = client.post(
        "/emergency/incidents/new/",
        {
            "title": "储罐区泄漏",
            "accident": accident.pk,
            "place": "储罐区",
            "latitude": "38.47",
            "longitude": "106.28",
            "grade": accident.grade,
            "commander": "区局局长",
        },
    )
    assert_status(response, 302)
    incident = services.Incident.objects.get(title="储罐区泄漏")
    assert incident.enterprise_id == world.inside.pk and incident.region_code == "640104"
    assert incident.level == Level.COUNTY


def test_it_follows_the_rule_version_in_force_for_the_city_grades(world, make_incident):
    from django.utils import timezone

    services.add_rule(
        actor=world.user(Role.SYSTEM_ADMIN),
        expiry_warning_days=30,
        confirm_within_days=30,
        city_grades=["serious", "major", "extraordinary"],
        effective_from=timezone.localdate(),
        source="市政府修订分级响应",
    )
    assert make_incident(grade="serious").level == Level.CITY
    assert make_incident(grade="general").level == Level.COUNTY


def test_it_opens_through_the_api_with_field_errors(api, world):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    body = {
        "title": "仓库火灾",
        "place": "物流园",
        "commander": "区长",
        "grade": "general",
        "region": world.county.pk,
        "latitude": 38.47,
        "longitude": 106.28,
    }
    assert_status(api.post("/api/v1/emergency-incidents/", {**body, "region": world.city.pk}), 400)
    response = api.post("/api/v1/emergency-incidents/", {**body, "latitude": None})
    assert_status(response, 400)
    assert "latitude" in response.json()["error"]["fields"]
    # another county is outside this administrator's command: not a county they may choose
    response = api.post("/api/v1/emergency-incidents/", {**body, "region": world.sibling_county.pk})
    assert_status(response, 400)
    assert "region" in response.json()["error"]["fields"]
    api.as_user(world.user(Role.SAFETY_MANAGER))  # staff read incidents, never open them
    assert_status(api.post("/api/v1/emergency-incidents/", body), 403)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    response = api.post("/api/v1/emergency-incidents/", body)
    assert_status(response, 201)
    assert response.json()["level"] == "county" and response.json()["allowed_moves"]


@pytest.mark.parametrize("role", ROLES)
def test_it_creates_resources_through_the_api_for_owners_only(api, world, role):
    api.as_user(world.users[role])
    body = {
        "kind": "vehicle",
        "name": "抢险车",
        "enterprise": world.inside.pk,
        "latitude": 38.47,
        "longitude": 106.28,
    }
    response = api.post("/api/v1/emergency-resources/", body)
    from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

    if role in REGULATORS | ENTERPRISE_STAFF:
        assert_status(response, 201)
        assert response.json()["region_code"] == "640104"
    else:
        assert_status(response, 400)  # the enterprise is not theirs to equip
        assert "enterprise" in response.json()["error"]["fields"]


def test_it_lets_a_county_send_city_resources_once_the_city_commands(
    api, client, world, make_incident, make_resource
):
    """属地为主、分级响应: a county commands with its own resources; once the incident is
    commanded by the city, the county may dispatch the city's own resources directly."""
    city_team = make_resource(region=world.city, name="市危化品救援队", latitude=38.48)
    sibling_team = make_resource(region=world.sibling_county, name="西夏区救援队")
    incident = make_incident()
    county_admin = world.user(Role.COUNTY_ADMIN)
    api.as_user(county_admin)
    url = f"/api/v1/emergency-incidents/{incident.pk}/dispatch_resource/"
    refused = api.post(url, {"resource": city_team.pk, "instruction": "增援"})
    assert_status(refused, 400)
    assert "resource" in refused.json()["error"]["fields"]
    assert not incident.tasks.exists()
    assert Resource.objects.get(pk=city_team.pk).availability == Availability.AVAILABLE
    # not on the county's suggestions before escalation, on them after
    client.force_login(county_admin)
    page = client.get(f"/emergency/incidents/{incident.pk}/")
    assert "市危化品救援队" not in page.content.decode()

    escalate = f"/api/v1/emergency-incidents/{incident.pk}/escalate/"
    body = {"version": incident.version, "to_commander": "市应急指挥部", "reason": "需市级增援"}
    assert_status(api.post(escalate, body), 200)
    assert "市危化品救援队" in client.get(f"/emergency/incidents/{incident.pk}/").content.decode()
    assert_status(api.post(url, {"resource": city_team.pk, "instruction": "增援"}), 201)
    task = incident.tasks.get()
    assert task.resource_id == city_team.pk and task.state == TaskState.DISPATCHED
    assert Resource.objects.get(pk=city_team.pk).availability == Availability.BUSY
    # another county's resources stay the city's to send, escalated or not
    assert_status(api.post(url, {"resource": sibling_team.pk, "instruction": "增援"}), 400)
    # the county walks the city team's task like any other and releases it
    move = f"/api/v1/emergency-tasks/{task.pk}/move/"
    assert_status(api.post(move, {"move": "release", "version": task.version}), 200)
    assert Resource.objects.get(pk=city_team.pk).availability == Availability.AVAILABLE
    # the city sends a county's resources to a county incident at any level
    api.as_user(world.user(Role.CITY_ADMIN))
    other = make_incident(title="二号事件")
    other_url = f"/api/v1/emergency-incidents/{other.pk}/dispatch_resource/"
    assert_status(api.post(other_url, {"resource": sibling_team.pk, "instruction": "跨区"}), 201)
    # an inspector of the county (command too) is refused city resources on a county incident
    api.as_user(world.user(Role.COUNTY_INSPECTOR))
    assert_status(api.post(other_url, {"resource": city_team.pk, "instruction": "增援"}), 400)


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_a_command_roster_for_command_only(api, world, make_incident, role):
    incident = make_incident(enterprise=world.inside, region=None)
    api.as_user(world.users[role])
    url = f"/api/v1/emergency-incidents/{incident.pk}/roster/"
    body = {
        "post": "deputy",
        "name": "李副局长",
        "unit": "兴庆区应急管理局",
        "phone": "13800000000",
    }
    response = api.post(url, body)
    if role in COUNTY:
        assert_status(response, 201)
        assert incident.roster.get().name == "李副局长"
    elif role in STAFF:
        assert_refused(response)
    else:
        assert_hidden(response)


def test_it_records_joining_and_standing_down_on_the_timeline(api, world, make_incident):
    incident = make_incident()
    api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/emergency-incidents/{incident.pk}/roster/"
    assert_status(api.post(url, {"post": "general", "name": "王"}), 400)
    assert_status(api.post(url, {"post": "member", "name": " "}), 400)
    created = api.post(url, {"post": "commander", "name": "区长", "unit": "区政府"})
    assert_status(created, 201)
    member = created.json()["id"]
    down = f"/api/v1/emergency-incidents/{incident.pk}/stand_down/"
    assert_status(api.post(down, {"member": member}), 200)
    assert_status(api.post(down, {"member": member}), 409)
    other = make_incident(title="二号事件")
    wrong = f"/api/v1/emergency-incidents/{other.pk}/stand_down/"
    assert_status(api.post(wrong, {"member": member}), 404)  # not on that incident's roster
    lines = list(incident.timeline.filter(kind=EntryKind.ROSTER).values_list("text", flat=True))
    assert len(lines) == 2 and "区长" in lines[0]
    detail = api.get(f"/api/v1/emergency-incidents/{incident.pk}/").json()
    assert detail["roster"][0]["stood_down_at"] is not None
    page = api.client.get(f"/emergency/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "区长" in page.content.decode() and 'id="member-form"' in page.content.decode()
    added = api.client.post(
        f"/emergency/incidents/{incident.pk}/roster/", {"post": "liaison", "name": ""}
    )
    assert_status(added, 400)
    added = api.client.post(
        f"/emergency/incidents/{incident.pk}/roster/", {"post": "liaison", "name": "小张"}
    )
    assert_status(added, 302)
    assert incident.roster.filter(name="小张", post="liaison").exists()

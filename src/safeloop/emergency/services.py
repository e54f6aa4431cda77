"""Every write of the emergency app: keyword-only, with the acting user, one function per
change. Each locks its record through the actor's scope (404 outside it, 403 seen but not
theirs), checks the move against the tables of emergency/workflow.py (409), checks its
rules (400 on a field) and is audited. Nothing here deletes: timelines are append-only,
tasks are released, resources are marked unavailable."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import IllegalMove, Invalid, NotFound
from safeloop.core.notify import notify
from safeloop.core.scoping import reaches
from safeloop.core.services import after_commit, allow, bump, lock, require, service, track
from safeloop.emergency import nearest as geo
from safeloop.emergency.choices import (
    Availability,
    CommandPost,
    DutyEntryKind,
    EntryKind,
    Level,
    ResourceKind,
    TaskState,
)
from safeloop.emergency.models import (
    CommandMember,
    DutyLogEntry,
    EmergencyRule,
    Handover,
    Incident,
    Resource,
    Stock,
    Task,
    TimelineEntry,
)
from safeloop.emergency.rules import rule_on
from safeloop.emergency.selectors import city_code, dispatchable
from safeloop.emergency.workflow import (
    INCIDENT_WORKFLOW,
    TASK_WORKFLOW,
    actor_kinds,
)
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region, RegionLevel, RoleAssignment
from safeloop.orgs.roles import REGULATORS, Role

RESOURCE_FIELDS = (
    "kind",
    "name",
    "region",
    "enterprise",
    "team_kind",
    "specialities",
    "headcount",
    "leader",
    "duty_phone",
    "identifier",
    "address",
    "latitude",
    "longitude",
    "availability",
    "note",
)
STOCK_FIELDS = ("stock_type", "quantity", "unit", "expires_on", "owner")
RULE_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})


def _only(fields: dict[str, Any], allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _place(resource: Resource, actor) -> None:
    """Owner and scope columns, the model's rules, and the owner within the actor's reach
    (400 on the owner's field otherwise)."""
    if resource.enterprise_id is not None:
        require(
            Enterprise.objects.for_user(actor, "change").filter(pk=resource.enterprise_id).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "enterprise",
        )
    require(
        resource.enterprise_id is not None or resource.region_id is not None,
        _("Give the owning region or enterprise."),
        "region",
    )
    if resource.enterprise is not None:
        resource.region = resource.enterprise.region
    resource.place_owner()
    resource.full_clean()
    require(
        reaches(actor.grants(), Resource.scope_roles["change"], resource),
        _("This region is outside your scope."),
        "region",
    )


@service
def create_resource(*, actor, **fields: Any) -> Resource:
    _only(fields, RESOURCE_FIELDS)
    resource = Resource(**fields)
    resource.confirmed_at = timezone.now()
    _place(resource, actor)
    resource.save(action="emergency.resource.create", actor=actor)
    track(resource, "change")
    return resource


@service
def update_resource(*, actor, resource: Resource, version: int | None, **fields: Any) -> Resource:
    """Edit a resource (the version read is required); a new availability is confirmed now."""
    _only(fields, RESOURCE_FIELDS)
    resource = lock(Resource, actor, resource.pk, action="change", version=version)
    require(version is not None, _("Send the version you read."), "version")
    before = resource.availability
    for name, value in fields.items():
        setattr(resource, name, value)
    if resource.availability != before:
        resource.confirmed_at = timezone.now()
    _place(resource, actor)
    bump(resource)
    resource.save(action="emergency.resource.update", actor=actor)
    return resource


@service
def confirm_availability(
    *, actor, resource: Resource, version: int | None, availability: str
) -> Resource:
    """Say the availability holds now (or what it is now)."""
    resource = lock(Resource, actor, resource.pk, action="change", version=version)
    require(availability in Availability.values, _("Unknown availability."), "availability")
    resource.availability = availability
    resource.confirmed_at = timezone.now()
    bump(resource)
    resource.save(action="emergency.resource.confirm", actor=actor)
    return resource


@service
def add_stock(*, actor, warehouse: Resource, **fields: Any) -> Stock:
    _only(fields, STOCK_FIELDS)
    warehouse = lock(Resource, actor, warehouse.pk, action="change")
    require(
        warehouse.kind == ResourceKind.WAREHOUSE,
        _("Stocks are kept in warehouses only."),
        "warehouse",
    )
    stock = Stock(warehouse=warehouse, **fields)
    if not stock.unit and stock.stock_type_id:
        stock.unit = stock.stock_type.unit
    stock.full_clean()
    stock.save(action="emergency.stock.create", actor=actor)
    track(stock, "change")
    return stock


@service
def update_stock(*, actor, stock: Stock, version: int | None, **fields: Any) -> Stock:
    _only(fields, STOCK_FIELDS)
    stock = lock(Stock, actor, stock.pk, action="change", version=version)
    require(version is not None, _("Send the version you read."), "version")
    for name, value in fields.items():
        setattr(stock, name, value)
    stock.full_clean()
    bump(stock)
    stock.save(action="emergency.stock.update", actor=actor)
    return stock


@service
def add_rule(*, actor, **fields: Any) -> EmergencyRule:
    """A new version of the emergency rule (city or system administrators only)."""
    allow(actor is not None and actor.roles & RULE_EDITORS)
    rule = EmergencyRule(**fields)
    rule.full_clean()
    rule.save(actor=actor)
    return rule


# Incident command ------------------------------------------------------------------------


def _entry(incident: Incident, kind: str, text: str, actor) -> TimelineEntry:
    entry = TimelineEntry(
        incident=incident,
        kind=kind,
        text=text,
        author=actor,
        author_label=(actor.full_name or actor.get_username()) if actor else "",
    )
    entry.save()
    return entry


def _on_duty(region_code: str, level: str):
    """Who is told of an incident at `level`: the administrators and inspectors of the
    commanding region (the county, or its city)."""
    if level == Level.CITY:
        code, roles = region_code[:4] + "00", (Role.CITY_ADMIN, Role.CITY_INSPECTOR)
    else:
        code, roles = region_code, (Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR)
    return RoleAssignment.objects.filter(active=True, role__in=roles, region__code=code).values(
        "user_id"
    )


def _commanding_region(incident: Incident) -> str:
    return incident.region_code[:4] + "00" if incident.level == Level.CITY else incident.region_code


def _duty_line(incident: Incident, text: str) -> None:
    """The commanding region's duty log records the incident's opening and escalation."""
    code = _commanding_region(incident)
    region = Region.objects.filter(code=code).first()
    if region is None:
        return
    DutyLogEntry(
        region=region,
        region_code=code,
        kind=DutyEntryKind.INCIDENT,
        text=f"{text}：{incident.title}（{incident.place}）",
        incident=incident,
        author_label=str(_("Incident command")),
    ).save()


def _tell(incident: Incident, title: str) -> None:
    from django.contrib.auth import get_user_model

    from safeloop.emergency.duty_services import on_duty_now

    region_code = _commanding_region(incident)
    users = get_user_model().objects.filter(
        Q(pk__in=_on_duty(incident.region_code, incident.level))
        | Q(pk__in=on_duty_now(region_code))
    )
    notify(
        users,
        kind="emergency.incident",
        title=title,
        body=f"{incident.place}：{incident.title}",
        link=reverse("incident-detail", args=[incident.pk]),
    )


def _handover(incident: Incident, actor, *, to_commander: str, reason: str, by_rule: bool):
    Handover(
        incident=incident,
        from_level=incident.level,
        to_level=Level.CITY,
        from_commander=incident.commander,
        to_commander=to_commander,
        by_rule=by_rule,
        reason=reason,
    ).save(actor=actor)
    text = _("Command handed over from %(old)s to %(new)s (city level): %(why)s") % {
        "old": incident.commander,
        "new": to_commander,
        "why": reason,
    }
    incident.level, incident.commander = Level.CITY, to_commander
    _entry(incident, EntryKind.HANDOVER, text, actor)
    _duty_line(incident, _("Commanded by the city"))
    after_commit(_tell, incident, _("An emergency incident is commanded by the city"))


@service
def open_incident(
    *,
    actor,
    title: str,
    place: str,
    commander: str,
    grade: str,
    region: Region | None = None,
    accident=None,
    enterprise: Enterprise | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    report: str = "",
) -> Incident:
    """Open an incident at county level, from an accident (its enterprise, county, place
    and grade by default) or by hand. A grade the rule gives to the city escalates at once."""
    if accident is not None:
        from safeloop.accidents.models import Accident

        require(
            Accident.objects.for_user(actor, "view").filter(pk=accident.pk).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "accident",
        )
        enterprise = enterprise or accident.enterprise
        grade = grade or accident.grade
    if enterprise is not None:
        region = region or enterprise.region
        if latitude is None and enterprise.latitude is not None:
            latitude, longitude = float(enterprise.latitude), float(enterprise.longitude or 0)
    allow(actor is not None and actor.roles & REGULATORS)
    require(region is not None, _("Give the county where it happened."), "region")
    assert region is not None
    require(region.level == RegionLevel.COUNTY, _("Choose a county-level unit."), "region")
    if latitude is None or longitude is None:
        raise Invalid(_("Give the location."), field="latitude")
    incident = Incident(
        title=title,
        place=place,
        commander=commander,
        grade=grade,
        region=region,
        region_code=region.code,
        accident=accident,
        enterprise=enterprise,
        latitude=latitude,
        longitude=longitude,
    )
    require(
        reaches(actor.grants(), REGULATORS, incident),
        _("This region is outside your scope."),
        "region",
    )
    INCIDENT_WORKFLOW.apply(incident, "open", actor_kinds(actor, incident))
    incident.full_clean()
    incident.save(action="emergency.incident.open", actor=actor)
    track(incident, "change")
    _entry(incident, EntryKind.REPORT, report or _("Incident opened."), actor)
    _duty_line(incident, _("Incident opened"))
    after_commit(_tell, incident, _("An emergency incident was opened"))
    rule = rule_on()
    if grade in rule.city_grades:
        _handover(
            incident,
            actor,
            to_commander=_("City emergency command"),
            reason=_("The grade rule in force from %(day)s gives this grade to the city.")
            % {"day": rule.effective_from},
            by_rule=True,
        )
        bump(incident)
        incident.save(action="emergency.incident.escalate", actor=actor)
    return incident


def _lock_incident(actor, incident, move: str, version=None) -> Incident:
    incident = lock(Incident, actor, incident.pk, action="change", version=version)
    INCIDENT_WORKFLOW.apply(incident, move, actor_kinds(actor, incident))
    return incident


@service
def log(*, actor, incident: Incident, kind: str, text: str) -> TimelineEntry:
    """A report, decision or message on the timeline (no version: entries never conflict)."""
    incident = _lock_incident(actor, incident, "log")
    require(
        kind in (EntryKind.REPORT, EntryKind.DECISION, EntryKind.MESSAGE),
        _("Choose a report, a decision or a message."),
        "kind",
    )
    require((text or "").strip(), _("This field is required."), "text")
    return _entry(incident, kind, text.strip(), actor)


@service
def add_member(
    *, actor, incident: Incident, post: str, name: str, unit: str = "", phone: str = ""
) -> CommandMember:
    """Put someone on the incident's command roster; the timeline says so."""
    incident = _lock_incident(actor, incident, "log")
    require(post in CommandPost.values, _("Choose a post."), "post")
    require((name or "").strip(), _("This field is required."), "name")
    member = CommandMember(
        incident=incident,
        post=post,
        name=name.strip(),
        unit=(unit or "").strip(),
        phone=(phone or "").strip(),
    )
    member.full_clean()
    member.save(action="emergency.roster.add", actor=actor)
    _entry(
        incident,
        EntryKind.ROSTER,
        _("%(name)s joins the command as %(post)s")
        % {"name": member.name, "post": member.get_post_display()},
        actor,
    )
    return member


@service
def stand_down(*, actor, member: CommandMember) -> CommandMember:
    """Take someone off the roster (kept, with the time); 409 when already stood down."""
    visible = CommandMember.objects.for_user(actor, "view")
    found = visible.filter(pk=member.pk, incident_id=member.incident_id).first()
    if found is None:
        raise NotFound(_("No such roster member."))
    incident = _lock_incident(actor, found.incident, "log")
    member = CommandMember.objects.select_for_update().get(pk=found.pk)
    if member.stood_down_at is not None:
        raise IllegalMove(_("Already stood down."))
    member.stood_down_at = timezone.now()
    member.save(action="emergency.roster.stand_down", actor=actor)
    _entry(
        incident,
        EntryKind.ROSTER,
        _("%(name)s (%(post)s) stands down")
        % {"name": member.name, "post": member.get_post_display()},
        actor,
    )
    return member


@service
def escalate(
    *, actor, incident: Incident, version: int | None, to_commander: str, reason: str
) -> Incident:
    """The county hands command to the city by decision; recorded as a hand-over."""
    incident = _lock_incident(actor, incident, "escalate", version)
    if incident.level == Level.CITY:
        raise IllegalMove(_("The city already commands this incident."))
    require((to_commander or "").strip(), _("This field is required."), "to_commander")
    require((reason or "").strip(), _("Give the reason for escalating."), "reason")
    _handover(
        incident, actor, to_commander=to_commander.strip(), reason=reason.strip(), by_rule=False
    )
    bump(incident)
    incident.save(action="emergency.incident.escalate", actor=actor)
    return incident


@service
def dispatch(*, actor, incident: Incident, resource: Resource, instruction: str) -> Task:
    """Send an available resource to the incident: one in the actor's scope or, once the
    city commands the incident, one the city owns (`selectors.dispatchable`)."""
    incident = _lock_incident(actor, incident, "dispatch")
    allowed = dispatchable(actor, incident).filter(pk=resource.pk)
    found = allowed.select_for_update(of=("self",)).first()
    if found is None and incident.level == Level.COUNTY:
        city_owned = Resource.objects.filter(
            pk=resource.pk, region_code=city_code(incident.region_code), enterprise__isnull=True
        )
        require(
            not city_owned.exists(),
            _(
                "City resources are sent once the city commands the incident: escalate it "
                "to the city first."
            ),
            "resource",
        )
    require(
        found is not None,
        _("Select a valid choice. That choice is not one of the available choices."),
        "resource",
    )
    assert found is not None
    resource = found
    require(
        resource.availability == Availability.AVAILABLE,
        _("This resource is not available."),
        "resource",
    )
    require((instruction or "").strip(), _("This field is required."), "instruction")
    task = Task(incident=incident, resource=resource, instruction=instruction.strip())
    TASK_WORKFLOW.apply(task, "dispatch", actor_kinds(actor, incident))
    task.distance_km = round(
        geo.haversine_km(incident.latitude, incident.longitude, resource.latitude,
                         resource.longitude),
        2,
    )  # fmt: skip
    task.save(action="emergency.task.dispatch", actor=actor)
    track(task, "change")
    resource.availability, resource.confirmed_at = Availability.BUSY, timezone.now()
    bump(resource)
    resource.save(action="emergency.resource.dispatch", actor=actor)
    _entry(
        incident,
        EntryKind.DISPATCH,
        _("%(resource)s dispatched (%(km)s km): %(what)s")
        % {"resource": resource.name, "km": task.distance_km, "what": task.instruction},
        actor,
    )
    return task


TASK_MOVES = {
    "set_off": TaskState.EN_ROUTE,
    "arrive": TaskState.ON_SCENE,
    "release": TaskState.RELEASED,
}


@service
def move_task(*, actor, task: Task, move: str, version: int | None) -> Task:
    """Move a task along dispatched → en route → on scene → released; a released resource is
    available again."""
    task = lock(
        Task,
        actor,
        task.pk,
        action="change",
        version=version,
        queryset=Task.objects.select_related("incident", "resource"),
    )
    require(move in TASK_MOVES, _("Unknown move."), "move")
    TASK_WORKFLOW.apply(task, move, actor_kinds(actor, task.incident))
    task.moved_at = timezone.now()
    bump(task)
    task.save(action=f"emergency.task.{move}", actor=actor)
    if move == "release":
        resource = Resource.objects.select_for_update().get(pk=task.resource_id)
        resource.availability, resource.confirmed_at = Availability.AVAILABLE, timezone.now()
        bump(resource)
        resource.save(action="emergency.resource.release", actor=actor)
    _entry(
        task.incident,
        EntryKind.DISPATCH,
        f"{task.resource.name}：{TASK_WORKFLOW.state_label(task.state)}",
        actor,
    )
    return task


@service
def close(
    *, actor, incident: Incident, version: int | None, summary: str, lessons: str = ""
) -> Incident:
    """Close with the after-action summary; every task must have been released first."""
    incident = _lock_incident(actor, incident, "close", version)
    if incident.tasks.exclude(state=TaskState.RELEASED).exists():
        raise IllegalMove(_("Release every dispatched resource before closing."))
    require((summary or "").strip(), _("Write the after-action summary."), "summary")
    incident.summary, incident.lessons = summary.strip(), (lessons or "").strip()
    incident.closed_at = timezone.now()
    bump(incident)
    incident.save(action="emergency.incident.close", actor=actor)
    _entry(incident, EntryKind.CLOSE, _("Incident closed."), actor)
    return incident


def incident_moves(incident: Incident, user) -> list[str]:
    return INCIDENT_WORKFLOW.moves_for(
        INCIDENT_WORKFLOW.current(incident), actor_kinds(user, incident)
    )


def task_moves(task: Task, user) -> list[str]:
    return TASK_WORKFLOW.moves_for(TASK_WORKFLOW.current(task), actor_kinds(user, task.incident))

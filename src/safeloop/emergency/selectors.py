"""Reads of the emergency app: scoped lists, the duty phone as each reader may see it, the
warnings of the app's home and the nearest search over the reader's resources."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeloop.core.scoping import reaches
from safeloop.emergency import nearest as geo
from safeloop.emergency.choices import Availability, Level, PlanKind
from safeloop.emergency.models import Drill, Incident, Plan, Resource, Stock, Task
from safeloop.emergency.rules import rule_on
from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

# Who reads a duty phone in full: regulators over the resource and the owning enterprise's
# staff. Everyone else who sees the resource (experts) reads it masked.
PHONE_READERS = REGULATORS | ENTERPRISE_STAFF


def resources_for(user) -> QuerySet[Resource]:
    return Resource.objects.for_user(user, "view").select_related("region", "enterprise")


def stocks_for(user) -> QuerySet[Stock]:
    return Stock.objects.for_user(user, "view").select_related("warehouse", "stock_type")


def incidents_for(user) -> QuerySet[Incident]:
    return Incident.objects.for_user(user, "view").select_related("region", "enterprise")


def tasks_for(user) -> QuerySet[Task]:
    return Task.objects.for_user(user, "view").select_related("incident", "resource")


def mask(phone: str) -> str:
    """138****5678: the first three and last four digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def duty_phone(user, resource: Resource) -> str:
    if not resource.duty_phone:
        return ""
    if user is not None and reaches(user.grants(), PHONE_READERS, resource):
        return resource.duty_phone
    return mask(resource.duty_phone)


@dataclass
class Warnings:
    expiring: list[Stock]
    unconfirmed: list[Resource]
    expiry_days: int
    confirm_days: int


def warnings_for(user, limit: int = 50) -> Warnings:
    """Stock expiring within the rule's days (or expired) and resources whose availability
    was not confirmed within the rule's days, in the user's scope."""
    rule = rule_on()
    today = timezone.localdate()
    expiring = stocks_for(user).filter(
        expires_on__lte=today + timedelta(days=rule.expiry_warning_days)
    )
    stale = timezone.now() - timedelta(days=rule.confirm_within_days)
    unconfirmed = (
        resources_for(user)
        .filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=stale))
        .order_by("confirmed_at", "pk")
    )
    return Warnings(
        list(expiring.order_by("expires_on", "pk")[:limit]),
        list(unconfirmed[:limit]),
        rule.expiry_warning_days,
        rule.confirm_within_days,
    )


def city_code(region_code: str) -> str:
    return region_code[:4] + "00"


def dispatchable(user, incident: Incident) -> QuerySet[Resource]:
    """The resources `user` may send to `incident` (属地为主、分级响应): those in the
    user's scope, and — once the city commands the incident (escalated by the grade rule or
    by decision) — the resources the city itself owns, which a county commander may then
    dispatch directly. Before escalation a county calls on its own and its enterprises'
    resources only."""
    rows = Resource.objects.for_user(user, "view")
    if incident.level == Level.CITY:
        city_owned = Q(region_code=city_code(incident.region_code), enterprise__isnull=True)
        rows = Resource.objects.filter(Q(pk__in=rows.values("pk")) | city_owned)
    return rows


def nearest_for(
    user,
    *,
    kind: str,
    latitude: float,
    longitude: float,
    n: int = 5,
    available_only=True,
    incident: Incident | None = None,
) -> list[Resource]:
    """The reader's `n` nearest resources of `kind`, each with `distance_km`; with an
    `incident`, those the reader may dispatch to it."""
    scoped = Resource.objects.for_user(user, "view")
    rows = (scoped if incident is None else dispatchable(user, incident)).filter(kind=kind)
    if available_only:
        rows = rows.filter(availability=Availability.AVAILABLE)
    return geo.nearest(rows.select_related("region", "enterprise"), latitude, longitude, n)


def plans_for(user) -> QuerySet[Plan]:
    return Plan.objects.for_user(user, "view").select_related("enterprise", "document")


def drills_for(user) -> QuerySet[Drill]:
    return Drill.objects.for_user(user, "view").select_related("enterprise", "plan")


def preparedness_gaps(user, day: date | None = None) -> QuerySet[Enterprise]:
    """The reader's operating enterprises with no filed plan in force on `day` (`no_plan`),
    or with a plan in force whose last held drill is older than the rule's months — 6 for
    on-site disposal plans — (`undrilled`). One query; callers slice it."""
    day = day or timezone.localdate()
    rule = rule_on(day)
    in_force = Plan.objects.filter(enterprise=OuterRef("pk"), filed_on__isnull=False)
    in_force = in_force.filter(revise_by__gte=day)
    drilled_since = {
        "general": _months_before(day, rule.drill_months),
        PlanKind.ONSITE: _months_before(day, rule.onsite_drill_months),
    }
    recent = Drill.objects.filter(plan=OuterRef("pk"), held_on__isnull=False)
    undrilled = in_force.filter(
        (
            Q(kind=PlanKind.ONSITE)
            & ~Exists(recent.filter(held_on__gte=drilled_since[PlanKind.ONSITE]))
        )
        | (~Q(kind=PlanKind.ONSITE) & ~Exists(recent.filter(held_on__gte=drilled_since["general"])))
    )
    return (
        Enterprise.objects.for_user(user, "view")
        .filter(status=Status.OPERATING)
        .annotate(no_plan=~Exists(in_force), undrilled=Exists(undrilled))
        .filter(Q(no_plan=True) | Q(undrilled=True))
        .order_by("region_code", "name", "pk")
    )


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")

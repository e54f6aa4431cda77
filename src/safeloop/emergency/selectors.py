"""Reads of the emergency app: scoped lists, the duty phone as each reader may see it, the
warnings of the app's home and the nearest search over the reader's resources."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeloop.core.scoping import reaches
from safeloop.emergency import nearest as geo
from safeloop.emergency.choices import Availability, Level, PlanKind
from safeloop.emergency.models import (
    Drill,
    EmergencyRule,
    Incident,
    Plan,
    Resource,
    Stock,
    Task,
)
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


def _in_force(day: date) -> QuerySet[Plan]:
    """The filed plans in force on `day` of the enterprise in the outer query."""
    return Plan.objects.filter(
        enterprise=OuterRef("pk"), filed_on__isnull=False, revise_by__gte=day
    )


def _undrilled(day: date) -> QuerySet[Plan]:
    """The enterprise's plans in force on `day` whose last held drill is older than the
    rule's months (6 for on-site disposal plans)."""
    rule = rule_on(day)
    general = _months_before(day, rule.drill_months)
    onsite = _months_before(day, rule.onsite_drill_months)
    recent = Drill.objects.filter(plan=OuterRef("pk"), held_on__isnull=False)
    return _in_force(day).filter(
        (Q(kind=PlanKind.ONSITE) & ~Exists(recent.filter(held_on__gte=onsite)))
        | (~Q(kind=PlanKind.ONSITE) & ~Exists(recent.filter(held_on__gte=general)))
    )


def preparedness_gaps(user, day: date | None = None) -> QuerySet[Enterprise]:
    """The reader's operating enterprises with no filed plan in force on `day` (`no_plan`),
    or with a plan in force whose last held drill is older than the rule's months — 6 for
    on-site disposal plans — (`undrilled`). One query; callers slice it."""
    day = day or timezone.localdate()
    return (
        Enterprise.objects.for_user(user, "view")
        .filter(status=Status.OPERATING)
        .annotate(no_plan=~Exists(_in_force(day)), undrilled=Exists(_undrilled(day)))
        .filter(Q(no_plan=True) | Q(undrilled=True))
        .order_by("region_code", "name", "pk")
    )


def _ever_filed() -> Exists:
    return Exists(Plan.objects.filter(enterprise=OuterRef("pk"), filed_on__isnull=False))


def gap_ids(day: date, *, include_never: bool) -> dict[str, QuerySet]:
    """For the key units list: the ids (column `enterprise_id`) of the operating
    enterprises with no filed plan in force (`no_plan`; those that never filed one only with
    `include_never`) and of those with a plan in force not drilled in time (`undrilled`).
    Empty while no emergency rule is in force."""
    operating = Enterprise.objects.filter(status=Status.OPERATING)
    if not EmergencyRule.objects.filter(effective_from__lte=day).exists():
        none = operating.none().values(enterprise_id=F("pk"))
        return {"no_plan": none, "undrilled": none}
    no_plan = operating.filter(~Exists(_in_force(day)))
    if not include_never:
        no_plan = no_plan.filter(_ever_filed())
    return {
        "no_plan": no_plan.values(enterprise_id=F("pk")),
        "undrilled": operating.filter(Exists(_undrilled(day))).values(enterprise_id=F("pk")),
    }


@dataclass
class Gap:
    enterprise_id: int
    kind: str  # "no_plan" or "undrilled"
    since: date | None  # the day the gap began; None: no plan was ever filed
    reason: str  # in Chinese, the language of the record


def gaps_begun(day: date, *, within_days: int, include_never: bool) -> list[Gap]:
    """For the warnings: the preparedness gaps of operating enterprises that began within
    the last `within_days` days on `day` — a filed plan past its revision date with none
    other in force, a plan in force whose drill fell due — and, with `include_never`, the
    enterprises that never filed a plan. Older gaps are on the key units list, not warned
    again, so a first run does not flood the inboxes."""
    if not EmergencyRule.objects.filter(effective_from__lte=day).exists():
        return []
    rule = rule_on(day)
    earliest = day - timedelta(days=within_days)
    operating = Enterprise.objects.filter(status=Status.OPERATING)
    last_due = Plan.objects.filter(enterprise=OuterRef("pk"), filed_on__isnull=False)
    lapsed = operating.filter(~Exists(_in_force(day))).annotate(
        last_due=Subquery(last_due.order_by("-revise_by").values("revise_by")[:1])
    )
    if not include_never:
        lapsed = lapsed.filter(last_due__isnull=False)
    gaps = []
    for pk, due in lapsed.filter(
        Q(last_due__isnull=True) | Q(last_due__gte=earliest - timedelta(days=1))
    ).values_list("pk", "last_due"):
        if due is None:
            gaps.append(Gap(pk, "no_plan", None, "从未备案生产安全事故应急预案"))
        else:
            since = due + timedelta(days=1)
            gaps.append(
                Gap(
                    pk,
                    "no_plan",
                    since,
                    f"应急预案已超过修订期限（应于 {due} 前修订备案），无有效备案预案",
                )
            )
    held = Drill.objects.filter(plan=OuterRef("pk"), held_on__isnull=False)
    plans = (
        Plan.objects.filter(
            enterprise__status=Status.OPERATING, filed_on__isnull=False, revise_by__gte=day
        )
        .annotate(last_held=Subquery(held.order_by("-held_on").values("held_on")[:1]))
        .values_list("enterprise_id", "kind", "filed_on", "last_held")
    )
    due_since: dict[int, date] = {}
    for enterprise_id, kind, filed_on, last_held in plans:
        months = rule.onsite_drill_months if kind == PlanKind.ONSITE else rule.drill_months
        if last_held is not None and last_held >= _months_before(day, months):
            continue
        due = _months_after(last_held, months) if last_held is not None else filed_on
        assert due is not None  # a filed plan has its filing day
        if enterprise_id not in due_since or due < due_since[enterprise_id]:
            due_since[enterprise_id] = due
    for enterprise_id, since in due_since.items():
        if since >= earliest:
            gaps.append(
                Gap(enterprise_id, "undrilled", since, f"应急预案未按期演练（自 {since} 起逾期）")
            )
    return gaps


def _months_after(day: date, months: int) -> date:
    return _months_before(day, -months)


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

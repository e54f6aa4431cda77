"""Reads of the training app: lists for a user, each person's hours against the rule in
force, and the gaps (missing hours, lapsing certificates) for warnings and key units.

A 三项岗位 person is the enterprise's principal (the ledger's name), each safety manager and
each special-operation worker of the ledger. Hours count over the last 365 days, voided
records never. Until an enterprise records its first training, its people are not counted
short (`include_never` counts them): training records are rolled out enterprise by
enterprise, and counting everyone on day one would put every enterprise on the key units
list."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Sum,
    Value,
)

from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise, SafetyManager, SpecialOperator
from safeloop.training.choices import Post
from safeloop.training.models import (
    AnnualTraining,
    Campaign,
    TrainingRecord,
    TrainingRule,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=10, decimal_places=1))


def records_for(user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.for_user(user, "view").select_related(
        "enterprise", "safety_manager", "operator"
    )


def annual_for(user) -> QuerySet[AnnualTraining]:
    return AnnualTraining.objects.for_user(user, "view").select_related("enterprise")


def campaigns_for(user) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(user, "view")


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(published=True).prefetch_related("materials", "activities")


def _window(day: date) -> date:
    return day - timedelta(days=365)


def _live_records(day: date) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(
        voided_at__isnull=True, ended_on__gt=_window(day), ended_on__lte=day
    )


def _hours(records: QuerySet, link: str) -> dict[int, Decimal]:
    """Hours per person (or enterprise) in one grouped read: linear whatever the planner's
    statistics, unlike a correlated subquery per person on freshly loaded tables."""
    return dict(
        records.filter(**{f"{link}__isnull": False})
        .order_by()
        .values_list(link)
        .annotate(s=Sum("hours"))
    )


ZERO_HOURS = Decimal(0)


@dataclass
class Short:
    enterprise_id: int
    post: str
    name: str
    hours: Decimal
    required: int


def short_people(day: date, *, include_never: bool, enterprises=None) -> list[Short]:
    """The 三项岗位 people of operating enterprises whose hours over the last 365 days fall
    short of the annual refresher hours in force on `day`."""
    rules = TrainingRule.in_force(day)
    live = _live_records(day)
    operating = Enterprise.objects.filter(status=Status.OPERATING)
    if enterprises is not None:
        operating = operating.filter(pk__in=enterprises.values("pk"))
    if not include_never:
        operating = operating.filter(
            Exists(TrainingRecord.objects.filter(enterprise=OuterRef("pk"), voided_at__isnull=True))
        )
    # the ids first: joined as a subquery, freshly loaded tables without statistics get
    # a nested plan that takes minutes
    ids = list(operating.values_list("pk", flat=True))
    found: list[Short] = []
    rule = rules.get(Post.PRINCIPAL)
    if rule and rule.refresher_hours:
        hours = _hours(live.filter(post=Post.PRINCIPAL), "enterprise")
        rows: Any = operating.exclude(principal="").values_list("pk", "principal")
        for pk, name in rows:
            h = hours.get(pk, ZERO_HOURS)
            if h < rule.refresher_hours:
                found.append(Short(pk, Post.PRINCIPAL, name, h, rule.refresher_hours))
    for post, model, link in (
        (Post.SAFETY_MANAGER, SafetyManager, "safety_manager"),
        (Post.SPECIAL_OPERATOR, SpecialOperator, "operator"),
    ):
        rule = rules.get(post)
        if not rule or not rule.refresher_hours:
            continue
        hours = _hours(live, link)
        rows = model.objects.filter(enterprise_id__in=ids).values_list(
            "pk", "enterprise_id", "name"
        )
        for pk, e, name in rows:
            h = hours.get(pk, ZERO_HOURS)
            if h < rule.refresher_hours:
                found.append(Short(e, post, name, h, rule.refresher_hours))
    return found


@dataclass
class Lapsing:
    enterprise_id: int
    post: str
    name: str
    valid_to: date


def lapsing_certificates(day: date, *, enterprises=None) -> list[Lapsing]:
    """Certificates of principals and safety managers ending within the rule's `warn_days`
    or already ended, and not replaced by a later one on a training record (the special
    operators' certificates are the certificate-expiry warning's)."""
    rules = TrainingRule.in_force(day)
    found: list[Lapsing] = []
    operating = Enterprise.objects.filter(status=Status.OPERATING)
    if enterprises is not None:
        operating = operating.filter(pk__in=enterprises.values("pk"))
    later = TrainingRecord.objects.filter(voided_at__isnull=True)
    ids = operating.values("pk")  # a subquery: a city's ids do not travel as parameters
    rule = rules.get(Post.SAFETY_MANAGER)
    if rule:
        renewed = later.filter(
            safety_manager=OuterRef("pk"), certificate_valid_to__gt=OuterRef("certificate_valid_to")
        )
        rows: Any = (
            SafetyManager.objects.filter(
                enterprise_id__in=ids,
                certificate_valid_to__lte=day + timedelta(days=rule.warn_days),
            )
            .filter(~Exists(renewed))
            .values_list("enterprise_id", "name", "certificate_valid_to")
        )
        found += [Lapsing(e, Post.SAFETY_MANAGER, n, d) for e, n, d in rows]
    rule = rules.get(Post.PRINCIPAL)
    if rule:
        renewed = later.filter(
            enterprise=OuterRef("enterprise"),
            post=Post.PRINCIPAL,
            certificate_valid_to__gt=OuterRef("certificate_valid_to"),
        )
        rows = (
            later.filter(
                enterprise_id__in=ids,
                post=Post.PRINCIPAL,
                certificate_valid_to__lte=day + timedelta(days=rule.warn_days),
            )
            .filter(~Exists(renewed))
            .values_list("enterprise_id", "person_name", "certificate_valid_to")
        )
        found += [Lapsing(e, Post.PRINCIPAL, n, d) for e, n, d in rows]
    return found


@dataclass
class Gap:
    enterprise_id: int
    period: str
    reason: str  # in Chinese, the language of the record


def gaps(day: date, *, include_never: bool) -> list[Gap]:
    """For the warnings: one gap per enterprise and year for missing hours, one per
    enterprise and certificate end date for lapsing certificates."""
    labels = {Post.PRINCIPAL: "主要负责人", Post.SAFETY_MANAGER: "安全管理人员"}
    labels[Post.SPECIAL_OPERATOR] = "特种作业人员"
    short: dict[int, list[Short]] = {}
    for s in short_people(day, include_never=include_never):
        short.setdefault(s.enterprise_id, []).append(s)
    found = []
    for enterprise_id, people in sorted(short.items()):
        named = "、".join(
            f"{labels[Post(p.post)]}{p.name}（{_n(p.hours)}/{p.required} 学时）" for p in people[:3]
        )
        more = f"等 {len(people)} 人" if len(people) > 3 else ""
        found.append(
            Gap(
                enterprise_id,
                f"hours:{day.year}",
                f"三项岗位人员近一年安全培训学时不足：{named}{more}",
            )
        )
    lapsing: dict[tuple[int, date], list[Lapsing]] = {}
    for c in lapsing_certificates(day):
        lapsing.setdefault((c.enterprise_id, c.valid_to), []).append(c)
    for (enterprise_id, valid_to), holders in sorted(lapsing.items()):
        who = "、".join(f"{labels[Post(h.post)]}{h.name}" for h in holders)
        verb = "已于" if valid_to < day else "将于"
        found.append(
            Gap(
                enterprise_id,
                f"cert:{valid_to}",
                f"{who}的安全生产知识和管理能力考核合格证{verb} {valid_to} 到期",
            )
        )
    return found


def _n(hours: Decimal) -> str:
    return format(Decimal(hours).normalize(), "f")


def gap_ids(day: date, *, include_never: bool, enterprises=None) -> QuerySet:
    """For the key units list: ids (column `enterprise_id`) of operating enterprises (of
    `enterprises` only, when given) with a 三项岗位 person short of hours or a principal's
    or safety manager's certificate ended."""
    short = short_people(day, include_never=include_never, enterprises=enterprises)
    ids = {s.enterprise_id for s in short}
    lapsing = lapsing_certificates(day, enterprises=enterprises)
    ids |= {c.enterprise_id for c in lapsing if c.valid_to < day}
    return Enterprise.objects.filter(pk__in=sorted(ids)).values(enterprise_id=F("pk"))


def people_of(enterprise: Enterprise, day: date) -> list[dict]:
    """The enterprise's 三项岗位 people with their hours over the last 365 days and the
    annual hours required, for the enterprise's training page."""
    rules = TrainingRule.in_force(day)
    live = _live_records(day).filter(enterprise=enterprise)
    rows: list[tuple[Any, ...]] = []
    if enterprise.principal:
        hours = live.filter(post=Post.PRINCIPAL).aggregate(s=Sum("hours"))["s"] or Decimal(0)
        rows.append((Post.PRINCIPAL, enterprise.principal, hours, None))
    managers = _hours(live, "safety_manager")
    for m in SafetyManager.objects.filter(enterprise=enterprise):
        h = managers.get(m.pk, ZERO_HOURS)
        rows.append((Post.SAFETY_MANAGER, m.name, h, m.certificate_valid_to))
    operators = _hours(live, "operator")
    for o in SpecialOperator.objects.filter(enterprise=enterprise):
        rows.append((Post.SPECIAL_OPERATOR, o.name, operators.get(o.pk, ZERO_HOURS), o.valid_to))
    out = []
    for post, name, hours, valid_to in rows:
        rule = rules.get(post)
        required = rule.refresher_hours if rule else None
        out.append(
            {
                "post": Post(post).label,
                "name": name,
                "hours": hours,
                "required": required,
                "short": required is not None and hours < required,
                "valid_to": valid_to,
                "lapsing": bool(
                    valid_to and rule and valid_to <= day + timedelta(days=rule.warn_days)
                ),
            }
        )
    return out

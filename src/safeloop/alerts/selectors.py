"""Reads that are more than a filter: the key units list (重点监管), the warnings of a user.

`key_units` takes a user (it reads through `Enterprise.objects.for_user`) or an enterprise
queryset a caller has already scoped (a bulletin's county, a dashboard's filter)."""

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from safeloop.accidents.selectors import accident_note, enterprise_ids_with_accident
from safeloop.alerts.choices import KeyReason, RuleCode
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.emergency.selectors import gap_ids
from safeloop.enterprises.choices import LicenceStatus
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards.choices import OPEN_STATES, Level
from safeloop.hazards.models import Hazard
from safeloop.investment.selectors import gap_ids as expense_gap_ids
from safeloop.investment.selectors import insurance_gap_ids
from safeloop.risks.choices import Level as RiskLevel
from safeloop.risks.models import EnterpriseRiskProfile
from safeloop.training.selectors import gap_ids as training_gap_ids

# A scope of at most this many enterprises has each reason read for its own enterprises.
SMALL_SCOPE = 2000


def _among(enterprises: QuerySet) -> list[int] | None:
    """The scope's enterprise ids when it is small (a park, a grid cell, a small county),
    else None: each reason's table is then read by its enterprise index for those few,
    where for a city it is read whole into one hash."""
    ids = list(enterprises.order_by().values_list("pk", flat=True)[: SMALL_SCOPE + 1])
    return ids if 0 < len(ids) <= SMALL_SCOPE else None  # an empty scope lists nothing anyway


def _reason_ids(today, among: list[int] | None = None) -> dict[str, QuerySet]:
    """For each reason, the ids of the enterprises that have it (among `among` only, when
    given)."""
    found = _all_reason_ids(today, among)
    if among is None:
        return found
    return {code: ids.filter(**{f"{_column(ids)}__in": among}) for code, ids in found.items()}


def _column(ids: QuerySet) -> str:
    """The one column a reason's values() queryset selects (a field or an alias)."""
    return (*ids.query.values_select, *ids.query.annotation_select)[0]


def _all_reason_ids(today, among: list[int] | None = None) -> dict[str, QuerySet]:
    # the reasons computed in Python read only `among`'s records when given
    scope = None if among is None else Enterprise.objects.filter(pk__in=among)
    open_hazards = Hazard.objects.filter(state__in=OPEN_STATES)
    renewed = Licence.objects.filter(
        enterprise=OuterRef("enterprise"),
        kind=OuterRef("kind"),
        status=LicenceStatus.VALID,
        valid_to__gte=today,
    )
    expired = Licence.objects.filter(
        Q(status=LicenceStatus.EXPIRED) | Q(status=LicenceStatus.VALID, valid_to__lt=today)
    ).exclude(Exists(renewed))
    return {
        KeyReason.RED_RISK: EnterpriseRiskProfile.objects.filter(level=RiskLevel.RED).values(
            "enterprise_id"
        ),
        KeyReason.MAJOR_OPEN: open_hazards.filter(level=Level.MAJOR).values("enterprise_id"),
        KeyReason.OVERDUE: open_hazards.filter(deadline__lt=today).values("enterprise_id"),
        KeyReason.ACCIDENT: enterprise_ids_with_accident(today.year),
        KeyReason.LICENCE_EXPIRED: expired.values("enterprise_id"),
        **{KeyReason(code): ids for code, ids in _preparedness_ids(today).items()},
        KeyReason.TRAINING_GAP: _training_ids(today, scope),
        KeyReason.EXPENSE_GAP: _expense_ids(today, scope),
        KeyReason.INSURANCE_GAP: insurance_gap_ids(today),
    }


def _expense_ids(today, scope: QuerySet | None) -> QuerySet:
    """Safety expense short of the accrual due or used outside its categories, this year or
    last (the investment app's tables). Enterprises that recorded nothing count only when
    the expense warning rule says `include_never`."""
    rule = WarningRule.objects.filter(code=RuleCode.EXPENSE_GAP).first()
    include_never = bool(rule and rule.params.get("include_never"))
    return expense_gap_ids(today, include_never=include_never, enterprises=scope)


def _training_ids(today, scope: QuerySet | None) -> QuerySet:
    """三项岗位 people short of the annual hours, or a principal's or safety manager's
    certificate ended (the training app's rules). Enterprises that never recorded a training
    count only when the training warning rule says `include_never`."""
    rule = WarningRule.objects.filter(code=RuleCode.TRAINING_GAP).first()
    include_never = bool(rule and rule.params.get("include_never"))
    return training_gap_ids(today, include_never=include_never, enterprises=scope)


def _preparedness_ids(today) -> dict[str, QuerySet]:
    """No filed emergency plan in force, or a plan not drilled in time (the emergency app's
    rule). Enterprises that never filed a plan count only when the preparedness warning
    rule says `include_never`: until filing is rolled out that would be nearly everyone."""
    rule = WarningRule.objects.filter(code=RuleCode.PREPAREDNESS).first()
    include_never = bool(rule and rule.params.get("include_never"))
    return gap_ids(today, include_never=include_never)


def _scoped(user_or_scope) -> QuerySet:
    """The enterprises a user may view, or a queryset the caller has already scoped."""
    if isinstance(user_or_scope, QuerySet):
        return user_or_scope
    return Enterprise.objects.for_user(user_or_scope, "view")


def key_units(user_or_scope, *, reasons=None, today=None) -> QuerySet:
    """Live enterprises with at least one reason for key supervision found now from the
    records (what alerts.keyunits stores; a bulletin reads it too), each row annotated with
    a boolean per reason (`r_red_risk`, `r_major_open` …). `reasons` narrows to enterprises
    with any of those reasons.

    Each reason is `id IN (subquery)`: PostgreSQL reads each subquery once into a hash, so
    the list costs one pass per reason whatever the number of enterprises."""
    today = today or timezone.localdate()
    base = _scoped(user_or_scope)
    among = _among(base)
    conditions = {code: Q(pk__in=ids) for code, ids in _reason_ids(today, among).items()}
    chosen = [r for r in (reasons or conditions) if r in conditions]
    annotated = base.annotate(
        **{
            f"r_{code}": ExpressionWrapper(condition, output_field=BooleanField())
            for code, condition in conditions.items()
        }
    )
    any_reason = Q(pk__in=[])
    for code in chosen:
        any_reason |= conditions[code]
    return (
        annotated.filter(any_reason)
        .select_related("region", "park", "grid")
        .order_by("region_code", "name", "pk")
    )


def listed_key_units(user_or_scope, *, reasons=None) -> QuerySet:
    """The key units list as kept (alerts.keyunits): live enterprises of the user's scope
    (or of a scoped queryset) on it, with any of `reasons` when given, each row with its
    `key_unit` (reasons, listed since). What the list, its export, its API and the
    dashboard read: an index walk in the list's order, whatever the size of the scope."""
    units = _scoped(user_or_scope).filter(key_unit__isnull=False)
    if reasons:
        units = units.filter(key_unit__reasons__overlap=[str(r) for r in reasons])
    return units.select_related("region", "park", "grid", "key_unit").order_by(
        "region_code", "name", "pk"
    )


def _codes(enterprise) -> set[str]:
    """The reasons of a row of `key_units` (annotated) or of `listed_key_units`."""
    if hasattr(enterprise, f"r_{KeyReason.RED_RISK.value}"):
        return {r.value for r in KeyReason if getattr(enterprise, f"r_{r.value}")}
    return set(enterprise.key_unit.reasons)


def reasons_of(enterprise) -> list[tuple[str, str]]:
    """(code, label in the active language) of the reasons of a key unit row, in the
    reasons' order; the accident reason says which accident."""
    found = []
    codes = _codes(enterprise)
    for reason in KeyReason:
        if reason.value not in codes:
            continue
        label = str(reason.label)
        if reason == KeyReason.ACCIDENT:
            note = accident_note(enterprise.pk, timezone.localdate().year)
            label = f"{label}：{note}" if note else label
        found.append((reason.value, label))
    return found


REASON_LINKS: dict[str, str] = {
    KeyReason.RED_RISK: "/risks/enterprises/{pk}/",
    KeyReason.MAJOR_OPEN: "/hazards/?enterprise={pk}&level=major",
    KeyReason.OVERDUE: "/hazards/?enterprise={pk}&overdue=true",
    KeyReason.ACCIDENT: "/accidents/?enterprise={pk}",
    KeyReason.LICENCE_EXPIRED: "/enterprises/{pk}/?tab=permits",
    KeyReason.NO_PLAN: "/emergency/plans/?enterprise={pk}",
    KeyReason.UNDRILLED: "/emergency/drills/?enterprise={pk}",
    KeyReason.TRAINING_GAP: "/training/enterprises/{pk}/",
    KeyReason.EXPENSE_GAP: "/investment/enterprises/{pk}/",
    KeyReason.INSURANCE_GAP: "/investment/enterprises/{pk}/",
}


def reason_link(code: str, enterprise_id: int) -> str:
    return REASON_LINKS[code].format(pk=enterprise_id)


def warnings_for(user) -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.for_user(user, "view").select_related("rule", "enterprise")


def reason_bit(code) -> int:
    """A reason's bit in `KeyUnit.flags`: its place in KeyReason's order."""
    return 1 << list(KeyReason).index(KeyReason(code))


def reason_union(today, among: list[int] | None = None) -> tuple[str, list[Any]]:
    """One SELECT of `(id, reason, bit)` rows: each enterprise id (among `among` only, when
    given) with each reason it has, from the reasons' own id sets (a few thousand rows
    each) rather than by testing every enterprise against every reason."""
    from django.core.exceptions import EmptyResultSet

    parts: list[str] = []
    params: list[Any] = []
    for code, ids in _reason_ids(today, among).items():
        try:
            sql, sub_params = ids.order_by().query.sql_with_params()  # no sort: a set of ids
        except EmptyResultSet:  # a reason no enterprise can have (e.g. `.none()`): none
            continue
        # the compiled SQL of our own querysets; values stay parameters
        parts.append(
            f"SELECT r.enterprise_id AS id, %s::varchar AS reason, %s::int AS bit FROM ({sql}) r"  # noqa: S608
        )
        params.extend([str(code), reason_bit(code), *sub_params])
    if not parts:
        return "SELECT NULL::bigint AS id, NULL::varchar AS reason, 0 AS bit WHERE false", []
    return " UNION ALL ".join(parts), params


def key_unit_counts(enterprises: QuerySet) -> dict[str, int]:
    """How many of `enterprises` (a queryset the caller has scoped) are on the key units
    list, in total ("total") and per reason, from the kept list (alerts.keyunits) in one
    statement. On the replica inside `reporting_reads()` (core/replica.py), as the
    dashboard's other figures."""
    from django.db import connections

    from safeloop.core.replica import read_alias

    codes = KeyReason.values
    # bits, not the array: ten array tests per row cost a city's count four times as much
    counts = ", ".join("count(*) FILTER (WHERE u.flags & %s <> 0)" for _c in codes)
    scoped, scoped_params = enterprises.order_by().values("pk").query.sql_with_params()
    statement = (
        f"SELECT count(*), {counts} FROM alerts_keyunit u "  # noqa: S608
        f"WHERE u.enterprise_id IN ({scoped})"
    )
    bits = [reason_bit(code) for code in codes]
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(statement, [*bits, *scoped_params])
        row = cursor.fetchone()
    return {"total": row[0], **dict(zip(codes, row[1:], strict=True))}


GROUPINGS = ("rule", "enterprise", "region")


def warning_groups(warnings: QuerySet, by: str) -> list[dict[str, Any]]:
    """The warnings counted by rule, enterprise or county: label, the filter that lists the
    group (`query`), and counts of all, open and acknowledged, largest group first."""
    from django.db.models import Count

    from safeloop.alerts.choices import RuleCode, WarningState
    from safeloop.orgs.models import Region

    key = {"rule": "rule__code", "enterprise": "enterprise_id", "region": "region_code"}[by]
    extra = ["enterprise__name"] if by == "enterprise" else []
    rows = (
        warnings.order_by()
        .values(key, *extra)
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(state=WarningState.OPEN)),
            acknowledged=Count("id", filter=Q(state=WarningState.ACKNOWLEDGED)),
        )
        .order_by("-total", key)
    )
    names = {}
    if by == "region":
        names = dict(Region.objects.values_list("code", "name"))
    labels = dict(RuleCode.choices)
    groups = []
    for row in rows:
        value = row[key]
        if by == "rule":
            label, query = labels.get(value, value), {"rule": value}
        elif by == "enterprise":
            label = row["enterprise__name"] or ""
            query = {"enterprise": value} if value else {}
        else:
            label, query = names.get(value, value), {"region": value}
        groups.append({"key": value, "label": label, "query": query, **row})
    return groups


def todo_for(user, limit: int = 10) -> list:
    """Early warnings in the user's scope not yet acknowledged, newest first."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.alerts.choices import WarningState
    from safeloop.core.todo import Todo
    from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

    if not user.roles & (ENTERPRISE_STAFF | REGULATORS):  # the ones who acknowledge
        return []
    # Without the enterprise join: a to-do shows the subject's own label, and the join made
    # PostgreSQL hash all 100,000 enterprises for a city's ten newest warnings (50 ms).
    warnings = (
        EarlyWarning.objects.for_user(user, "view")
        .select_related("rule")
        .filter(state=WarningState.OPEN)
        .order_by("-raised_at", "-id")
    )
    return [
        Todo(
            kind=_("Acknowledge a warning"),
            title=f"{warning.subject_label} · {warning.reason[:40]}",
            link=reverse("warning-detail", args=[warning.pk]),
            asked_by=str(warning.rule),
            since=timezone.localtime(warning.raised_at).date(),
        )
        for warning in warnings[:limit]
    ]

"""Reads of the crackdown app: the cases a user sees, re-visits due, campaign targets against
what was achieved, and the statistics (by campaign, county, action and month)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from safeloop.crackdown.choices import OPEN_CASE_STATES, STOPPING_ACTIONS, ActionKind, CaseState
from safeloop.crackdown.models import Action, Campaign, Case, CrackdownRule, JointOperation
from safeloop.orgs.models import Region


def campaigns_for(user) -> QuerySet:
    """The campaigns in the user's scope and those of the units above it: a county's
    regulators work on the city's campaign too."""
    from safeloop.orgs.models import GridCell, Park

    codes = set(Region.objects.for_user(user).values_list("code", flat=True))
    codes |= set(Park.objects.for_user(user).values_list("region_code", flat=True))
    codes |= set(GridCell.objects.for_user(user).values_list("region_code", flat=True))
    above = {c[:4] + "00" for c in codes} | {c[:2] + "0000" for c in codes}
    if not codes:
        return Campaign.objects.none()
    return Campaign.objects.filter(
        Q(pk__in=Campaign.objects.for_user(user).values("pk")) | Q(region_code__in=above)
    )


def cases_for(user) -> QuerySet:
    return Case.objects.for_user(user).select_related("campaign")


@dataclass(frozen=True)
class Due:
    case: Case
    due_on: date
    confirmed: int
    required: int


def revisits_due(cases: QuerySet, today: date) -> list[Due]:
    """Cases in follow-up whose stopped site still needs re-visits, with the day the next is
    due: the first `first_visit_days` after follow-up began, then every `visit_every_days`
    after the last re-visit (the rule in force today)."""
    rule = CrackdownRule.in_force(today)
    if rule is None:
        return []
    rows = (
        cases.filter(state=CaseState.TRACKING)
        .filter(actions__voided_at__isnull=True, actions__kind__in=STOPPING_ACTIONS)
        .distinct()
        .prefetch_related("follow_ups")
    )
    found: list[Due] = []
    for case in rows:
        visits = [v for v in case.follow_ups.all() if v.visited_on >= case.tracking_since]
        confirmed = sum(1 for v in visits if v.still_closed)
        if confirmed >= rule.visits_required:
            continue
        if visits:
            due = max(v.visited_on for v in visits) + timedelta(days=rule.visit_every_days)
        else:
            due = case.tracking_since + timedelta(days=rule.first_visit_days)
        found.append(Due(case, due, confirmed, rule.visits_required))
    return sorted(found, key=lambda d: (d.due_on, d.case.pk))


def overdue_revisits(today: date) -> list[Due]:
    """Every case whose next re-visit is past due (no scope: the warning rule's input)."""
    return [d for d in revisits_due(Case.objects.all(), today) if d.due_on < today]


# ---------------------------------------------------------------- targets
@dataclass(frozen=True)
class Progress:
    label: str
    target: Decimal | int
    achieved: Decimal | int

    @property
    def percent(self) -> int | None:
        return round(100 * self.achieved / self.target) if self.target else None


def live_actions() -> QuerySet:
    return Action.objects.filter(voided_at__isnull=True).exclude(case__state=CaseState.NOT_FILED)


def achieved(campaign: Campaign) -> list[Progress]:
    """The campaign's targets against its cases (not counting those not filed), sites banned
    or closed (cases with a live 取缔 or 关闭), fines decided and joint operations."""
    from django.utils.translation import gettext as _

    cases = campaign.cases.exclude(state=CaseState.NOT_FILED)
    actions = live_actions().filter(case__campaign=campaign)
    stopped = actions.filter(kind__in=STOPPING_ACTIONS).values("case").distinct().count()
    fines = actions.filter(kind=ActionKind.FINE).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return [
        Progress(_("cases"), campaign.target_cases, cases.count()),
        Progress(_("sites banned or closed"), campaign.target_stopped, stopped),
        Progress(_("fines (yuan)"), campaign.target_fines, fines),
        Progress(_("joint operations"), campaign.target_operations, campaign.operations.count()),
    ]


# ---------------------------------------------------------------- statistics
def statistics(user, year: int, campaign: Campaign | None = None) -> dict:
    """Counts over the cases the user sees found in `year` (and actions decided in it):
    by campaign, by county, by action and by month. Cases not filed count as registered only."""
    cases = Case.objects.for_user(user).filter(found_on__year=year)
    actions = live_actions().filter(case__in=Case.objects.for_user(user), decided_on__year=year)
    if campaign is not None:
        cases = cases.filter(campaign=campaign)
        actions = actions.filter(case__campaign=campaign)
    case_counts = {
        "registered": Count("id"),
        "not_filed": Count("id", filter=Q(state=CaseState.NOT_FILED)),
        "open": Count("id", filter=Q(state__in=[s.value for s in OPEN_CASE_STATES])),
        "closed": Count("id", filter=Q(state=CaseState.CLOSED)),
    }
    action_counts = {kind: Count("id", filter=Q(kind=kind)) for kind in ActionKind.values} | {
        "fines": Sum("amount", filter=Q(kind=ActionKind.FINE))
    }

    def merge(key, case_rows, action_rows):
        rows: dict = {}
        for row in case_rows:
            rows.setdefault(row[key], {}).update(row)
        for row in action_rows:
            rows.setdefault(row[key], {}).update(row)
        empty = dict.fromkeys([*case_counts, *ActionKind.values], 0) | {"fines": Decimal(0)}
        return {k: empty | {n: v for n, v in r.items() if v is not None} for k, r in rows.items()}

    by_campaign = merge(
        "campaign",
        cases.values("campaign").annotate(**case_counts),
        actions.values(campaign=F("case__campaign")).annotate(**action_counts),
    )
    by_county = merge(
        "county",
        cases.values(county=F("region_code")).annotate(**case_counts),
        actions.values(county=F("case__region_code")).annotate(**action_counts),
    )
    by_month = merge(
        "month",
        cases.annotate(month=ExtractMonth("found_on")).values("month").annotate(**case_counts),
        actions.annotate(month=ExtractMonth("decided_on"))
        .values("month")
        .annotate(**action_counts),
    )
    by_action = {
        row["kind"]: row
        for row in actions.values("kind").annotate(count=Count("id"), amount=Sum("amount"))
    }
    titles = dict(
        Campaign.objects.filter(pk__in=[k for k in by_campaign if k]).values_list("pk", "title")
    )
    names = dict(Region.objects.filter(code__in=list(by_county)).values_list("code", "name"))
    return {
        "year": year,
        "by_campaign": [
            {"label": titles.get(k, "") if k else None, **v}
            for k, v in sorted(by_campaign.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        "by_county": [{"label": names.get(k, k), **v} for k, v in sorted(by_county.items())],
        "by_month": [{"label": k, **v} for k, v in sorted(by_month.items())],
        "by_action": [
            {
                "kind": kind,
                "label": label,
                "count": by_action.get(kind, {}).get("count", 0),
                "amount": by_action.get(kind, {}).get("amount") or Decimal(0),
            }
            for kind, label in ActionKind.choices
        ],
        "totals": cases.aggregate(**case_counts)
        | {k: v or 0 for k, v in actions.aggregate(**action_counts).items()},
    }


def operations_for(user) -> QuerySet:
    return JointOperation.objects.for_user(user).select_related("campaign")


def todo_for(user, limit: int = 20) -> list:
    """Re-visits due within a week (or overdue) and cases registered awaiting verification,
    for the regulators in whose scope they lie."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo
    from safeloop.orgs.roles import REGULATORS

    if not user.is_authenticated or not user.roles & REGULATORS:
        return []
    today = timezone.localdate()
    cases = Case.objects.for_user(user)
    items = [
        Todo(
            kind=_("Crackdown re-visit"),
            title=f"{d.case.number} {d.case.subject_name}",
            link=reverse("crackdown-case", args=[d.case.pk]),
            deadline=d.due_on,
            asked_by=_("Follow-up rule"),
        )
        for d in revisits_due(cases, today)
        if d.due_on <= today + timedelta(days=7)
    ][:limit]
    waiting = cases.filter(state=CaseState.REGISTERED).order_by("created_at")[:limit]
    items += [
        Todo(
            kind=_("Crackdown case to verify"),
            title=f"{case.number} {case.subject_name}",
            link=reverse("crackdown-case", args=[case.pk]),
            since=case.found_on,
        )
        for case in waiting
    ]
    return items[:limit]

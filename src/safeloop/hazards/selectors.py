"""Reads for the hazard screens. Every read of hazards starts from
`Hazard.objects.for_user(user)`; the public page is the one exception and reads only what
the public may see."""

from django.db.models import Avg, Count, Exists, F, Lookup, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.counts import CappedCount, capped_count, rows_by_ids, summary_counts
from safeloop.core.scoping import scope_q
from safeloop.enterprises.choices import Sector
from safeloop.hazards.actors import CITY_ROLES, COUNTY_ROLES
from safeloop.hazards.choices import (
    OPEN_STATES,
    ExtensionStatus,
    Level,
    ListingLevel,
    Source,
    State,
)
from safeloop.hazards.models import Extension, Hazard, HazardPolicy, Listing
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

SAVED_VIEWS = ("todo", "acceptance", "overdue")


def hazards_for(user):
    return Hazard.objects.for_user(user).select_related(
        "enterprise", "enterprise__region", "enterprise__park"
    )


def _overdue_q() -> Q:
    return Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())


NOTHING = Q(pk__in=[])


def _regulated_q(user) -> Q | None:
    """The hazards the user reaches as a regulator, as a condition on the hazard's own
    columns (None: none); composed into the views' conditions, never a self-join."""
    return scope_q(Hazard, user, "view", roles=REGULATORS)


def _listed_by(**where) -> Q:
    return Q(Exists(Listing.objects.filter(hazard_id=OuterRef("pk"), **where)))


def _supervised_q(user) -> Q:
    """Hazards listed by a department whose region the user regulates at that level."""
    codes = []
    for grant in user.grants():
        if grant.everywhere:
            return _listed_by()
        if grant.region_prefix is None:
            continue
        if grant.role in COUNTY_ROLES:
            codes.append(grant.region_prefix)
        elif grant.role in CITY_ROLES:
            codes.append(grant.region_prefix + "00")
    return _listed_by(department__region__code__in=codes) if codes else NOTHING


def _lister_q(user) -> Q:
    """Hazards the user may list: county or city regulators of the hazard's own county or
    city, by the policy's listing level (see actors.may_list)."""
    city_level = HazardPolicy.current().listing_level == ListingLevel.CITY
    q = NOTHING
    for grant in user.grants():
        if grant.everywhere:
            return Q()
        if grant.region_prefix is None:
            continue
        if city_level and grant.role in CITY_ROLES:
            q |= Q(region_code__startswith=grant.region_prefix)
        elif not city_level and grant.role in COUNTY_ROLES:
            q |= Q(region_code=grant.region_prefix)
    return q


class _InArray(Lookup):
    """`id = ANY(ARRAY(subquery))`: the subquery runs once and its ids are an index condition
    (an `IN (subquery)` or `EXISTS` would be a filter on every row the other conditions read)."""

    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def _waiting() -> Q:
    """Hazards with an extension request waiting (few at any time)."""
    requested = Extension.objects.filter(status=ExtensionStatus.REQUESTED).values("hazard_id")
    return Q(_InArray(F("pk"), Subquery(requested)))


def _staff_of(user) -> list[int]:
    return [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]


def _acceptance_q(user) -> Q:
    """Awaiting acceptance by this user (never one they submitted themselves)."""
    mine = NOTHING
    staff_of = _staff_of(user)
    if staff_of:
        mine |= Q(enterprise_id__in=staff_of, level=Level.GENERAL, found_by_regulator=False)
    regulated = _regulated_q(user)
    if regulated is not None:
        mine |= regulated & Q(level=Level.GENERAL, found_by_regulator=True)
        mine |= Q(level=Level.MAJOR) & _supervised_q(user)
    return Q(state=State.AWAITING) & mine & ~Q(submitted_by=user)


def _todo_q(user) -> Q:
    """Waiting for a move by this user: confirming a report, planning, rectifying and
    submitting (enterprise), accepting, deciding an extension, listing a major one."""
    q = _acceptance_q(user)
    staff_of = _staff_of(user)
    if staff_of:
        q |= Q(enterprise_id__in=staff_of, state__in=[State.PENDING, State.RECTIFYING])
    regulated = _regulated_q(user)
    if regulated is not None:
        q |= regulated & Q(state=State.PENDING)
        waiting = Q(state=State.RECTIFYING) & _waiting()
        q |= waiting & regulated & Q(level=Level.GENERAL)
        q |= waiting & Q(level=Level.MAJOR) & _supervised_q(user)
        q |= (
            regulated
            & Q(state=State.RECTIFYING, level=Level.MAJOR)
            & ~_listed_by()
            & _lister_q(user)
        )
    return q


def saved_view(queryset, user, name: str):
    """One of the saved views for a role's daily work, applied to a scoped queryset.
    Every condition is on the hazard's own columns or an EXISTS on a related table, so a
    view never repeats a row and needs no DISTINCT; each names the open states first, which
    the partial indexes of open hazards serve."""
    if name == "todo":
        return queryset.filter(Q(state__in=OPEN_STATES) & _todo_q(user))
    if name == "acceptance":
        return queryset.filter(Q(state__in=OPEN_STATES) & _acceptance_q(user))
    if name == "overdue":
        return queryset.filter(_overdue_q())
    return queryset


def saved_view_counts(user) -> dict[str, CappedCount]:
    """Each saved view's count in the user's scope, exact up to the list cap."""
    base = Hazard.objects.for_user(user)
    return {name: capped_count(saved_view(base, user, name)) for name in SAVED_VIEWS}


def list_state_counts(user, filterset, queryset, view: str) -> dict[str, CappedCount]:
    """The list's counts per state: exact from a summary table where one can answer for the
    user's scope and the filters (the dashboards' tallies, registered in core.counts), else
    capped counts of the filtered queryset."""
    if not view and filterset.is_valid():
        criteria = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if value not in (None, "", [])
        }
        counts = summary_counts(Hazard, user, criteria)
        if counts is not None:
            return counts
    # Only the states the list can hold are counted: a saved view holds open hazards only
    # (awaiting acceptance: awaiting ones), a state filter its states only; the others are 0
    # without a query.
    states: set[str] = set(State.values)
    if view:
        states = {State.AWAITING} if view == "acceptance" else set(OPEN_STATES)
    if filterset.is_valid() and filterset.form.cleaned_data.get("state"):
        states &= set(filterset.form.cleaned_data["state"])
    return state_counts(queryset, states)


def state_counts(queryset, states=None) -> dict[str, CappedCount]:
    """The list's rows per state (of `states`, all by default), each exact up to the list
    cap: one small capped count per state, never a count of the whole scope."""
    wanted = State.values if states is None else states
    return {
        state: capped_count(queryset.filter(state=state)) if state in wanted else CappedCount(0)
        for state in State.values
    }


def timeline(hazard):
    return hazard.events.select_related("actor").order_by("at", "id")


# ---------------------------------------------------------------- statistics
def _figures() -> dict:
    today = timezone.localdate()
    counted = ~Q(state=State.VOIDED)
    return {
        "total": Count("pk", filter=counted),
        "open": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "closed": Count("pk", filter=Q(state=State.CLOSED)),
        "major": Count("pk", filter=counted & Q(level=Level.MAJOR)),
        "major_closed": Count("pk", filter=Q(state=State.CLOSED, level=Level.MAJOR)),
        "overdue": Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
        "avg_close": Avg(
            F("accepted_at") - F("found_at"),
            filter=Q(state=State.CLOSED, accepted_at__isnull=False),
        ),
    }


def _rate(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)


def _finish(row: dict) -> dict:
    row["rate"] = _rate(row["closed"], row["total"])
    row["major_rate"] = _rate(row["major_closed"], row["major"])
    avg = row.pop("avg_close")
    row["avg_days"] = None if avg is None else round(avg.total_seconds() / 86400, 1)
    return row


STAT_TABLES = {
    "region": ("enterprise__region__name", lambda v: v or "—"),
    "sector": ("enterprise__sector", lambda v: str(dict(Sector.choices).get(v, v or "—"))),
    "level": ("level", lambda v: str(dict(Level.choices).get(v, v))),
    "source": ("source", lambda v: str(dict(Source.choices).get(v, v))),
    "month": ("month", lambda v: v.strftime("%Y-%m") if v else "—"),
}


def stat_table_titles() -> dict[str, str]:
    return {
        "region": _("By region"),
        "sector": _("By sector"),
        "level": _("By level"),
        "source": _("By source"),
        "month": _("By month"),
    }


def statistics(user) -> dict:
    """Totals and the break-downs of the hazards in the user's scope."""
    hazards = Hazard.objects.for_user(user).order_by()
    totals = _finish(hazards.aggregate(**_figures()))
    return {"totals": totals, "tables": {name: stat_table(user, name) for name in STAT_TABLES}}


def stat_table(user, name: str) -> list[dict]:
    field, label = STAT_TABLES[name]
    hazards = Hazard.objects.for_user(user).order_by()
    if name == "month":
        hazards = hazards.annotate(month=TruncMonth("found_at"))
    rows = hazards.values(field).annotate(**_figures()).order_by(field)
    return [{"key": label(row.pop(field)), **_finish(row)} for row in rows]


def todo_for(user, limit: int = 20) -> list:
    """Hidden dangers waiting for a move by this user (the 待办 view), earliest deadline first."""
    from django.urls import reverse

    from safeloop.core.todo import Todo

    waiting = (
        saved_view(Hazard.objects.for_user(user), user, "todo")
        .select_related("enterprise", "found_by", "submitted_by")
        .order_by("deadline", "found_at", "pk")
    )
    hazards = rows_by_ids(waiting, waiting[:limit])  # ids sorted first, then twenty joined
    items = []
    for hazard in hazards:
        if hazard.state == State.AWAITING:
            kind, asked_by = _("Accept the rectification"), hazard.submitted_by
        elif hazard.state == State.PENDING:
            kind, asked_by = _("Confirm a reported hidden danger"), None
        else:
            kind, asked_by = _("Rectify a hidden danger"), hazard.found_by
        items.append(
            Todo(
                kind=kind,
                title=f"{hazard.enterprise.name} · {hazard.description[:40]}",
                link=reverse("hazard-detail", args=[hazard.pk]),
                deadline=hazard.deadline,
                asked_by=str(asked_by or hazard.get_source_display()),
                since=timezone.localtime(hazard.found_at).date(),
            )
        )
    return items

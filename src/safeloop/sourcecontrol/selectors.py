"""Reads of source control that are more than a filter, always taking the user."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.todo import Todo
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.sourcecontrol.models import (
    EliminationItem,
    ExpertAssignment,
    ExpertVisit,
    LicenceCancellation,
    StopOrder,
)


def assignments_for(user) -> QuerySet:
    """The running assignments the user sees; an expert's own first."""
    rows = ExpertAssignment.objects.for_user(user, "view").filter(withdrawn_at=None)
    if user.roles & {Role.EXPERT}:
        rows = rows.filter(expert__user=user)
    return rows.select_related("expert", "enterprise", "contract").order_by("enterprise__name")


def staff_enterprises(user) -> list[Enterprise]:
    ids = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
    return list(Enterprise.objects.filter(pk__in=ids).order_by("name"))


def counts(user) -> dict:
    """Open records per part, in the user's scope."""
    return {
        "elimination": EliminationItem.objects.for_user(user, "view")
        .exclude(state="verified")
        .count(),
        "cancellation": LicenceCancellation.objects.for_user(user, "view")
        .filter(state__in=["proposed", "notified"])
        .count(),
        "stop": StopOrder.objects.for_user(user, "view").exclude(state="resumed").count(),
    }


def todo_for(user, limit: int = 20) -> list[Todo]:
    """What waits for the user: the enterprise applies to resume and reports eliminations;
    regulators inspect applications, verify eliminations, act on lapsed licences and register
    expert findings; an administrator decides on inspected applications; an expert visits the
    enterprises assigned."""
    if not user.is_authenticated:
        return []
    items: list[Todo] = []
    today = timezone.localdate()
    roles = user.roles
    if roles & ENTERPRISE_STAFF:
        staff_of = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
        for order in StopOrder.objects.filter(enterprise_id__in=staff_of, state="ordered")[:limit]:
            items.append(
                Todo(
                    kind=_("Stop-and-rectify order"),
                    title=_("Rectify and apply to resume: %(n)s") % {"n": order.number},
                    link=reverse("source-stop-order", args=[order.pk]),
                    since=order.issued_on,
                )
            )
        for item in EliminationItem.objects.filter(enterprise_id__in=staff_of, state="listed")[
            :limit
        ]:
            items.append(
                Todo(
                    kind=_("Backward capacity"),
                    title=item.capacity,
                    link=reverse("source-elimination", args=[item.pk]),
                    deadline=item.deadline,
                )
            )
    if roles & REGULATORS:
        for order in StopOrder.objects.for_user(user, "view").filter(state="applied")[:limit]:
            items.append(
                Todo(
                    kind=_("Resumption application"),
                    title=f"{order.enterprise} · {order.number}",
                    link=reverse("source-stop-order", args=[order.pk]),
                    since=timezone.localtime(order.applied_at).date() if order.applied_at else None,
                )
            )
        if roles & ADMINS:
            for order in (
                StopOrder.objects.for_user(user, "view")
                .filter(state="inspected")
                .exclude(inspected_by=user)[:limit]
            ):
                items.append(
                    Todo(
                        kind=_("Resumption approval"),
                        title=f"{order.enterprise} · {order.number}",
                        link=reverse("source-stop-order", args=[order.pk]),
                        since=order.inspected_on,
                    )
                )
        for item in EliminationItem.objects.for_user(user, "view").filter(state="reported")[:limit]:
            items.append(
                Todo(
                    kind=_("Elimination to verify"),
                    title=f"{item.enterprise} · {item.capacity}",
                    link=reverse("source-elimination", args=[item.pk]),
                    deadline=item.deadline,
                )
            )
        for c in LicenceCancellation.objects.for_user(user, "view").filter(
            state__in=["proposed", "notified"]
        )[:limit]:
            items.append(
                Todo(
                    kind=_("Lapsed licence"),
                    title=f"{c.enterprise} · {c.licence.number}",
                    link=reverse("source-cancellation", args=[c.pk]),
                    since=c.lapsed_on,
                )
            )
    if roles & (REGULATORS | ENTERPRISE_STAFF):
        visits = ExpertVisit.objects.for_user(user, "view").filter(
            registered_at=None, findings__hazard__isnull=True, findings__isnull=False
        )
        for visit in visits.distinct().select_related("enterprise")[:limit]:
            items.append(
                Todo(
                    kind=_("Expert findings"),
                    title=_("Register as hidden dangers: %(e)s") % {"e": visit.enterprise},
                    link=reverse("source-visit", args=[visit.pk]),
                    since=visit.visited_on,
                )
            )
    if roles & {Role.EXPERT}:
        for a in assignments_for(user)[:limit]:
            done = a.visits.count()
            if done < a.contract.visits_per_enterprise and a.contract.ends_on >= today:
                items.append(
                    Todo(
                        kind=_("Expert visit"),
                        title=_("%(e)s: %(done)s of %(due)s visits made")
                        % {
                            "e": a.enterprise,
                            "done": done,
                            "due": a.contract.visits_per_enterprise,
                        },
                        link=reverse("source-assignment", args=[a.pk]),
                        deadline=a.contract.ends_on,
                    )
                )
    return items

"""Reads of self-check tasks. Screens and the API read through `tasks_for(user)`; the two
supervision selectors take a queryset of enterprises the caller has already scoped, so that
dashboards and early-warning rules reuse them as they are."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q

from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS
from safeloop.selfchecks.choices import TaskState
from safeloop.selfchecks.models import SelfCheckRecord, SelfCheckTask


def tasks_for(user, action: str = "view"):
    return SelfCheckTask.objects.for_user(user, action)


def records_for(user):
    return SelfCheckRecord.objects.for_user(user)


def may_supervise(user) -> bool:
    """The completion table is the regulators' supervision signal."""
    return user.is_authenticated and bool(user.roles & REGULATORS)


def my_tasks(user, day: date, span: str = "today"):
    """The tasks assigned to `user` whose period covers `day` ("today") or meets the week of
    `day` ("week"), plus unassigned ones of their enterprises; to-do first, then by due day."""
    if span == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    else:
        start = end = day
    staff_of = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
    mine = Q(assignee=user) | Q(assignee__isnull=True, enterprise_id__in=staff_of)
    return (
        tasks_for(user)
        .filter(mine, period_start__lte=end, period_end__gte=start)
        .select_related("risk_point", "measure", "enterprise")
        .order_by("-state", "due_date", "id")  # pending, missed, done
    )


@dataclass(frozen=True)
class Completion:
    total: int  # tasks due in the window
    done: int
    missed: int
    pending: int

    @property
    def decided(self) -> int:
        return self.done + self.missed

    @property
    def rate(self) -> float | None:
        """Share done of the tasks already decided (done or missed), in percent; None when
        none is decided yet. Tasks still to do count neither way."""
        return round(100 * self.done / self.decided, 1) if self.decided else None


EMPTY = Completion(0, 0, 0, 0)


def completion_by_enterprise(enterprises, start: date, end: date) -> dict[int, Completion]:
    """Self-check completion of each enterprise in `enterprises` (a queryset the caller has
    scoped) for the tasks due between `start` and `end` inclusive: one grouped query.
    Enterprises without tasks in the window are absent (use `EMPTY`)."""
    rows = (
        SelfCheckTask.objects.filter(
            enterprise__in=enterprises.values("pk"), due_date__range=(start, end)
        )
        .values("enterprise_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=TaskState.DONE)),
            missed=Count("id", filter=Q(state=TaskState.MISSED)),
            pending=Count("id", filter=Q(state=TaskState.PENDING)),
        )
        .order_by()
    )
    return {
        r["enterprise_id"]: Completion(r["total"], r["done"], r["missed"], r["pending"])
        for r in rows
    }


def completion_total(enterprises, start: date, end: date) -> Completion:
    """`completion_by_enterprise` summed over all of `enterprises`: one aggregate query (the
    dashboards' figure; no row per enterprise)."""
    row = SelfCheckTask.objects.filter(
        enterprise__in=enterprises.values("pk"), due_date__range=(start, end)
    ).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(state=TaskState.DONE)),
        missed=Count("id", filter=Q(state=TaskState.MISSED)),
        pending=Count("id", filter=Q(state=TaskState.PENDING)),
    )
    return Completion(**row)


def last_record_date_by_enterprise(enterprises) -> dict[int, date]:
    """The day of each enterprise's latest self-check record (absent: never recorded)."""
    rows = (
        SelfCheckRecord.objects.filter(enterprise__in=enterprises.values("pk"))
        .values("enterprise_id")
        .annotate(last=Max("recorded_at__date"))
        .order_by()
    )
    return {r["enterprise_id"]: r["last"] for r in rows}


def todo_for(user, limit: int = 20) -> list:
    """Self-check tasks of this user still to do, due within the coming week or missed."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo

    if not user.roles & ENTERPRISE_STAFF:
        return []
    today = timezone.localdate()
    staff_of = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
    mine = Q(assignee=user) | Q(assignee__isnull=True, enterprise_id__in=staff_of)
    tasks = (
        tasks_for(user)
        .filter(mine, state=TaskState.PENDING, period_start__lte=today)
        .filter(due_date__lte=today + timedelta(days=7))
        .select_related("risk_point", "measure")
        .order_by("due_date", "id")[:limit]
    )
    return [
        Todo(
            kind=_("Self-check task"),
            title=f"{task.risk_point} · {task.measure}",
            link=reverse("selfcheck-task", args=[task.pk]),
            deadline=task.due_date,
            asked_by=task.responsible_name or _("Self-check schedule"),
        )
        for task in tasks
    ]

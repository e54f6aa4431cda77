"""Reads of the responsibility lists: each enterprise's standing (all-staff list, post
lists, acknowledgements), which enterprises miss their all-staff list, the departments'
duty lists, and the to-do lines."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from safeloop.core.counts import count_of
from safeloop.duties.choices import ListKind
from safeloop.duties.models import DepartmentDuty, ResponsibilityList, Signatory
from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS


def live_lists(enterprise) -> QuerySet[ResponsibilityList]:
    return (
        ResponsibilityList.objects.filter(enterprise=enterprise, retired_at__isnull=True)
        .annotate(
            people=Count("signatories"),
            acknowledged=Count("signatories", filter=Q(signatories__acknowledged_at__isnull=False)),
        )
        .order_by("kind", "post")
    )


def _has_all_staff() -> Exists:
    return Exists(
        ResponsibilityList.objects.filter(
            enterprise=OuterRef("pk"), kind=ListKind.ALL_STAFF, retired_at__isnull=True
        )
    )


def standing(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Enterprises with `has_all_staff`, `post_lists`, `people` and `acknowledged`, each a
    subquery per row, so a page of the list counts for its own rows only."""
    lists = ResponsibilityList.objects.filter(enterprise=OuterRef("pk"), retired_at__isnull=True)
    people = Signatory.objects.filter(
        rlist__enterprise=OuterRef("pk"), rlist__retired_at__isnull=True
    )
    return enterprises.annotate(
        has_all_staff=_has_all_staff(),
        post_lists=count_of(lists.filter(kind=ListKind.POST)),
        people=count_of(people),
        acknowledged=count_of(people.filter(acknowledged_at__isnull=False)),
    )


def missing_ids() -> QuerySet:
    """Live operating enterprises without an all-staff list in force."""
    return Enterprise.objects.filter(status=Status.OPERATING).exclude(_has_all_staff()).values("pk")


def department_duties_for(user) -> QuerySet[DepartmentDuty]:
    return DepartmentDuty.objects.for_user(user, "view").select_related("department")


def departments_without_duties(user) -> QuerySet[Department]:
    if not user.roles & REGULATORS:
        return Department.objects.none()
    has = DepartmentDuty.objects.filter(department=OuterRef("pk"), retired_at__isnull=True)
    return Department.objects.for_user(user, "view", roles=REGULATORS).exclude(Exists(has))


def todo_for(user, limit: int = 20) -> list:
    """Lists waiting for this person's acknowledgement; for enterprise staff, their
    enterprise's missing all-staff list."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo

    items = [
        Todo(
            kind=_("Responsibility list"),
            title=_("Acknowledge: %s") % s.rlist,
            link=reverse("duties-list", args=[s.rlist_id]),
            since=timezone.localtime(s.rlist.created_at).date(),
        )
        for s in Signatory.objects.filter(
            user=user, acknowledged_at__isnull=True, rlist__retired_at__isnull=True
        ).select_related("rlist")[:limit]
    ]
    if user.roles & ENTERPRISE_STAFF:
        staff_of = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
        for firm in Enterprise.objects.filter(pk__in=staff_of).filter(pk__in=missing_ids()):
            items.append(
                Todo(
                    kind=_("Responsibility list"),
                    title=_("%s: issue the all-staff responsibility list") % firm.name,
                    link=reverse("duties-enterprise", args=[firm.pk]),
                )
            )
    return items[:limit]

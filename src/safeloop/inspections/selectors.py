"""Reads of the inspections app, always through the user's scope where rows are scoped."""

from django.db.models import Count, Q

from safeloop.accidents.selectors import enterprise_ids_with_accident
from safeloop.hazards.choices import Level
from safeloop.inspections.choices import VisitState
from safeloop.inspections.models import (
    ApplicabilityRule,
    Checklist,
    ChecklistItem,
    Criterion,
    Plan,
    PlanTarget,
    Visit,
    VisitResult,
)


def accident_enterprise_ids(year: int) -> list[int]:
    """Enterprises with an accident in `year`: the one place targeting asks the accidents app."""
    return list(enterprise_ids_with_accident(year))


def criterion_is_cited(criterion: Criterion) -> bool:
    """Whether a visit result cites this revision: then it is revised, never edited."""
    return VisitResult.objects.filter(criterion=criterion).exists()


def applicable_checklists(enterprise):
    """The active checklists whose applicability rules match the enterprise record (its
    sector and risk-feature flags), plus its own custom ones; official ones first."""
    rules = ApplicabilityRule.objects.filter(checklist__active=True).select_related("checklist")
    ids = {rule.checklist_id for rule in rules if rule.matches(enterprise)}
    code = enterprise.region_code
    # a department's checklist applies in its region and everything below it
    regions = {code, code[:4] + "00", code[:2] + "0000"}
    return (
        Checklist.objects.filter(active=True)
        .filter(
            Q(pk__in=ids, enterprise__isnull=True, department__isnull=True)
            | Q(pk__in=ids, department__region__code__in=regions)
            | Q(enterprise=enterprise)
        )
        .order_by("-kind", "name")
        .distinct()
    )


def visit_items(visit):
    """The items a visit asks about, grouped by checklist: [(checklist, [items])]."""
    checklists = list(applicable_checklists(visit.enterprise))
    items = ChecklistItem.objects.filter(checklist__in=checklists, active=True).select_related(
        "criterion__standard"
    )
    by_checklist: dict[int, tuple[Checklist, list[ChecklistItem]]] = {
        c.pk: (c, []) for c in checklists
    }
    for item in items.order_by("checklist_id", "order", "id"):
        by_checklist[item.checklist_id][1].append(item)
    return [group for group in by_checklist.values() if group[1]]


def plans_for(user):
    return Plan.objects.for_user(user).select_related("region")


def visits_for(user):
    return Visit.objects.for_user(user).select_related("enterprise", "inspector", "plan")


def targets_for(user, plan):
    return (
        PlanTarget.objects.for_user(user)
        .filter(plan=plan)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )


def enterprise_history(user, enterprise):
    return (
        visits_for(user)
        .filter(enterprise=enterprise)
        .annotate(
            found=Count("results__hazard"),
            found_major=Count("results__hazard", filter=Q(results__hazard__level=Level.MAJOR)),
        )
        .order_by("-scheduled_on", "-id")
    )


def coverage(user, *, start, end):
    """Per county: visits planned and done in [start, end], hidden dangers found per done
    visit, and the major ones among them."""
    visits = visits_for(user).filter(scheduled_on__range=(start, end))
    rows = (
        visits.exclude(state=VisitState.CANCELLED)
        .values("region_code")
        .annotate(
            planned=Count("id", distinct=True),
            done=Count("id", filter=Q(state=VisitState.SUBMITTED), distinct=True),
            enterprises=Count("enterprise", distinct=True),
            found=Count("results__hazard"),
            major=Count("results__hazard", filter=Q(results__hazard__level=Level.MAJOR)),
        )
        .order_by("region_code")
    )
    from safeloop.orgs.models import Region

    names = dict(Region.objects.values_list("code", "name"))
    result = []
    for row in rows:
        row["name"] = names.get(row["region_code"], row["region_code"])
        row["per_visit"] = round(row["found"] / row["done"], 2) if row["done"] else 0
        row["share_done"] = round(100 * row["done"] / row["planned"]) if row["planned"] else 0
        result.append(row)
    return result


def coverage_totals(visits) -> dict:
    """The coverage report's figures summed over `visits` (a queryset the caller has scoped
    and narrowed, e.g. a dashboard's county and quarter): one aggregate query, so a city-wide
    dashboard costs no per-county loop. Keys: planned, done, found, major."""
    return visits.exclude(state=VisitState.CANCELLED).aggregate(
        planned=Count("id", distinct=True),
        done=Count("id", filter=Q(state=VisitState.SUBMITTED), distinct=True),
        found=Count("results__hazard"),
        major=Count("results__hazard", filter=Q(results__hazard__level=Level.MAJOR)),
    )


def todo_for(user, limit: int = 20) -> list:
    """Visits assigned to this inspector for today or earlier and not yet submitted."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo

    visits = (
        Visit.objects.for_user(user)
        .filter(inspector=user, state=VisitState.ASSIGNED)
        .filter(scheduled_on__lte=timezone.localdate())
        .select_related("enterprise", "plan", "plan__created_by")
        .order_by("scheduled_on", "id")[:limit]
    )
    return [
        Todo(
            kind=_("Inspection visit"),
            title=f"{visit.enterprise.name} · {visit.plan.title}",
            link=reverse("inspection-visit", args=[visit.pk]),
            deadline=visit.scheduled_on,
            asked_by=str(visit.plan.created_by or visit.plan.region),
        )
        for visit in visits
    ]

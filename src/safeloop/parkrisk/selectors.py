"""Reads of the park assessments: the indicators counted from a park's enterprises, the
assessments and measures a user sees, which parks miss a year's assessment, which measures
are overdue, and the to-do lines."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from safeloop.accidents.choices import AccidentState
from safeloop.accidents.models import Accident
from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Park
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import VIEWERS, AssessmentRule, Measure, ParkAssessment
from safeloop.risks.choices import Level as RiskLevel
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit

COLOURS = [level.value for level in RiskLevel]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz),
    )


def indicators(park: Park, year: int, as_of: date | None = None) -> dict:
    """The park's figures for `year`, counted from its live enterprises (operating or
    suspended): enterprises by risk level and risk points by colour, major hazard
    installations by grade, hidden dangers found in the year (and those open and overdue on
    `as_of`), accidents of the year with their casualties."""
    as_of = as_of or timezone.localdate()
    firms = Enterprise.objects.filter(
        park=park, status__in=[Status.OPERATING, Status.SUSPENDED]
    ).values("pk")
    profiles = EnterpriseRiskProfile.objects.filter(enterprise__in=firms)
    by_level = dict(profiles.values_list("level").annotate(n=Count("pk")))
    points = profiles.aggregate(**{c: Sum(c) for c in COLOURS})
    enterprises = firms.count()
    assessed = sum(by_level.get(c, 0) for c in COLOURS)
    units = HazardUnit.objects.filter(enterprise__in=firms, identified=True, is_deleted=False)
    grades = dict(units.values_list("grade").annotate(n=Count("pk")))
    start, end = _year_bounds(year)
    found = Hazard.objects.filter(enterprise__in=firms, found_at__gte=start, found_at__lt=end)
    found = found.exclude(state=State.VOIDED)
    hazard_counts = found.aggregate(
        found=Count("pk"),
        major=Count("pk", filter=Q(level=Level.MAJOR)),
        closed=Count("pk", filter=Q(state=State.CLOSED)),
    )
    open_now = Hazard.objects.filter(enterprise__in=firms, state__in=OPEN_STATES)
    accidents = Accident.objects.filter(
        enterprise__in=firms, occurred_at__gte=start, occurred_at__lt=end
    ).exclude(state=AccidentState.VOIDED)
    casualties = accidents.aggregate(
        n=Count("pk"),
        deaths=Sum("deaths"),
        serious=Sum("serious_injuries"),
        minor=Sum("minor_injuries"),
    )
    return {
        "as_of": as_of.isoformat(),
        "enterprises": enterprises,
        "enterprise_levels": {
            **{c: by_level.get(c, 0) for c in COLOURS},
            "none": enterprises - assessed,
        },
        "risk_points": {c: points[c] or 0 for c in COLOURS},
        "major_hazard_units": units.count(),
        "major_hazard_grades": {str(g): grades.get(g, 0) for g in (1, 2, 3, 4)},
        "major_hazard_enterprises": units.values("enterprise").distinct().count(),
        "hazards_found": hazard_counts["found"],
        "hazards_major": hazard_counts["major"],
        "hazards_closed": hazard_counts["closed"],
        "hazards_open": open_now.count(),
        "hazards_overdue": open_now.filter(deadline__lt=as_of).count(),
        "accidents": casualties["n"],
        "deaths": casualties["deaths"] or 0,
        "serious_injuries": casualties["serious"] or 0,
        "minor_injuries": casualties["minor"] or 0,
    }


def figures_of(assessment: ParkAssessment) -> dict:
    """The frozen indicators of an approved assessment, else counted now."""
    if assessment.frozen_at:
        return assessment.indicators
    return indicators(assessment.park, assessment.year)


def assessments_for(user) -> QuerySet[ParkAssessment]:
    return ParkAssessment.objects.for_user(user, "view").select_related("park")


def measures_for(user) -> QuerySet[Measure]:
    return Measure.objects.for_user(user, "view").select_related("assessment__park")


def parks_for(user) -> QuerySet[Park]:
    """The parks whose assessments `user` takes part in."""
    if not user.roles & VIEWERS:
        return Park.objects.none()
    return Park.objects.for_user(user, "view", roles=VIEWERS)


def due_date(year: int, rule: AssessmentRule) -> date:
    """The day by which the assessment of `year` must be approved under `rule` (the last day
    of a shorter month when the rule names the 31st)."""
    due_year = year + rule.due_year_offset
    day = rule.due_day
    while True:
        try:
            return date(due_year, rule.due_month, day)
        except ValueError:
            day -= 1


@dataclass(frozen=True)
class Missing:
    park: Park
    year: int
    due: date
    assessment: ParkAssessment | None  # None: not started at all

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


def missing(today: date, parks: QuerySet[Park] | None = None) -> list[Missing]:
    """Parks whose assessment of a year is not approved though its due day has passed (the
    latest such year) or falls within the rule's warning days (the year after it)."""
    rule = AssessmentRule.in_force(today)
    if rule is None:
        return []
    parks = parks if parks is not None else Park.objects.all()
    passed = [y for y in range(today.year - 3, today.year + 1) if due_date(y, rule) < today]
    if not passed:
        return []
    latest = max(passed)
    years = [latest]
    if (due_date(latest + 1, rule) - today).days <= rule.warn_days:
        years.append(latest + 1)
    found = []
    by_key = {
        (a.park_id, a.year): a
        for a in ParkAssessment.objects.filter(park__in=parks, year__in=years)
    }
    for park in parks.order_by("name"):
        for year in years:
            assessment = by_key.get((park.pk, year))
            if assessment is None or assessment.state != AssessmentState.APPROVED:
                found.append(Missing(park, year, due_date(year, rule), assessment))
    return found


def overdue_measures(today: date) -> QuerySet[Measure]:
    return Measure.objects.filter(state=MeasureState.OPEN, deadline__lt=today).select_related(
        "assessment__park"
    )


def todo_for(user, limit: int = 20) -> list:
    """For park officers: assessments to write, returned ones, measures due within a week;
    for county and city regulators: assessments waiting for their review or approval."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo
    from safeloop.parkrisk.workflow import ASSESSMENT_WORKFLOW, actor_kinds

    if not user.roles & VIEWERS:
        return []
    today = timezone.localdate()
    items: list[Todo] = []
    waiting = assessments_for(user).filter(
        state__in=[
            AssessmentState.DRAFT,
            AssessmentState.RETURNED,
            AssessmentState.SUBMITTED,
            AssessmentState.REVIEWED,
        ]
    )
    for assessment in waiting[:limit]:
        moves = ASSESSMENT_WORKFLOW.moves_for(assessment.state, actor_kinds(user, assessment))
        moves = [m for m in moves if m != "edit"]
        if not moves:
            continue
        items.append(
            Todo(
                kind=_("Park risk assessment"),
                title=f"{assessment} · {assessment.get_state_display()}",
                link=reverse("parkrisk-assessment", args=[assessment.pk]),
                since=timezone.localtime(assessment.created_at).date(),
            )
        )
    if any(g.role == "park_officer" for g in user.grants()):
        for measure in measures_for(user).filter(
            state=MeasureState.OPEN, deadline__lte=today + timedelta(days=7)
        )[:limit]:
            items.append(
                Todo(
                    kind=_("Park risk measure"),
                    title=f"{measure.assessment.park} · {measure.text}",
                    link=reverse("parkrisk-assessment", args=[measure.assessment_id]),
                    deadline=measure.deadline,
                    asked_by=measure.owner,
                )
            )
        for gap in missing(today, parks_for(user)):
            if gap.assessment is None:
                items.append(
                    Todo(
                        kind=_("Park risk assessment"),
                        title=_("%(park)s: start the assessment of %(year)s")
                        % {"park": gap.park, "year": gap.year},
                        link=reverse("parkrisk-list"),
                        deadline=gap.due,
                    )
                )
    return items[:limit]

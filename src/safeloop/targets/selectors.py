"""Reads of the targets app: the year's indicators and their consumption, the letters and
the units still missing one, the assessment as each user may see it, and the enterprises
not eligible for awards (评先评优) because of an accident in the year."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from safeloop.accidents.models import Accident
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region, RegionLevel, region_prefix
from safeloop.orgs.roles import REGULATORS, Role
from safeloop.targets import figures as F
from safeloop.targets import scoring
from safeloop.targets.models import (
    Assessment,
    AssessmentResult,
    Indicator,
    IndicatorKind,
    ResponsibilityLetter,
    TargetRule,
)

DEFAULT_WARN_PERCENT = 80  # only when no rule row exists (the data migration seeds one)


# Grid inspectors supervise enterprises, not their area's targets (no grid path on these rows).
READERS = REGULATORS - {Role.GRID_INSPECTOR}


def is_reader(user) -> bool:
    return bool(user.is_authenticated and user.roles & READERS)


def cities_for(user) -> list[Region]:
    """The cities whose figures the user sees some part of."""
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    prefixes = [g.region_prefix for g in user.grants() if g.region_prefix]
    if any(g.everywhere for g in user.grants()):
        return cities
    parks = [g.park_id for g in user.grants() if g.park_id]
    park_codes = set()
    if parks:
        from safeloop.orgs.models import Park

        park_codes = set(Park.objects.filter(pk__in=parks).values_list("region_code", flat=True))
    return [
        c
        for c in cities
        if any(c.code.startswith(p) or p.startswith(region_prefix(c.code)) for p in prefixes)
        or any(code.startswith(region_prefix(c.code)) for code in park_codes)
    ]


def warn_percent(day: date | None = None) -> int:
    rule = TargetRule.in_force(day)
    return rule.warn_percent if rule else DEFAULT_WARN_PERCENT


@dataclass
class Board:
    city: Region
    year: int
    warn_percent: int
    rows: list  # (indicator, consumption, label, state)
    kinds: list


def unit_label(region_names: dict, indicator) -> str:
    name = region_names.get(indicator.region_code, indicator.region_code)
    return f"{name} · {indicator.park.name}" if indicator.park_id else name


def state_of(use: scoring.Consumption, warn: int) -> str:
    if use.breached:
        return "breach"
    if use.warned(warn):
        return "warn"
    return "ok"


def board(user, city: Region, year: int) -> Board:
    """The indicators of a city's year the user sees, each with its consumption."""
    indicators = list(
        Indicator.objects.for_user(user)
        .filter(year=year, region_code__startswith=region_prefix(city.code))
        .select_related("kind", "park")
    )
    totals = F.accidents(region_prefix(city.code), year)
    uses = {u.indicator_id: u for u in scoring.consumption(indicators, totals, city.code)}
    names = dict(Region.objects.values_list("code", "name"))
    warn = warn_percent()
    rows = [(i, uses[i.pk], unit_label(names, i), state_of(uses[i.pk], warn)) for i in indicators]
    return Board(city, year, warn, rows, list(IndicatorKind.objects.filter(active=True)))


def all_consumption(year: int) -> list[tuple]:
    """Every indicator of the year in every city with its consumption (the warning rule)."""
    found: list[tuple] = []
    for city in Region.objects.filter(level=RegionLevel.CITY):
        indicators = list(
            Indicator.objects.filter(
                year=year, region_code__startswith=region_prefix(city.code)
            ).select_related("kind", "park")
        )
        if not indicators:
            continue
        totals = F.accidents(region_prefix(city.code), year)
        uses = {u.indicator_id: u for u in scoring.consumption(indicators, totals, city.code)}
        found.extend((i, uses[i.pk]) for i in indicators)
    return found


def letters_for(user) -> QuerySet:
    return ResponsibilityLetter.objects.for_user(user).select_related("park")


def missing_letters(user, city: Region, year: int) -> list[F.Unit]:
    """The counties and parks in the user's view without a standing letter for the year."""
    have = set(
        ResponsibilityLetter.objects.filter(year=year, voided_at__isnull=True).values_list(
            "region_code", "park_id"
        )
    )
    grants = user.grants()
    from safeloop.core.scoping import reaches

    missing = []
    for unit in F.units(city):
        probe = ResponsibilityLetter(region_code=unit.region_code, park_id=unit.park_id)
        if (unit.region_code, unit.park_id) in have:
            continue
        if reaches(grants, ResponsibilityLetter.scope_roles["view"], probe):
            missing.append(unit)
    return missing


def assessment_for(user, city: Region, year: int) -> Assessment | None:
    return (
        Assessment.objects.for_user(user)
        .filter(year=year, region_code=city.code)
        .distinct()
        .first()
    )


def results_for(user, assessment: Assessment) -> QuerySet:
    return (
        AssessmentResult.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("park")
        .order_by(
            "park_id",
            "rank",
        )
    )


def ineligible_rows(user, year: int) -> list[dict]:
    """Each ineligible enterprise with the latest accident as the reason."""
    ids = list(
        Accident.objects.filter(
            enterprise__in=Enterprise.objects.for_user(user).values("pk"),
            occurred_at__year=year,
        )
        .exclude(state="voided")
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    latest: dict[int, Accident] = {}
    counts: dict[int, int] = {}
    for a in (
        Accident.objects.filter(enterprise_id__in=ids, occurred_at__year=year)
        .exclude(state="voided")
        .select_related("enterprise", "enterprise__region", "enterprise__park")
        .order_by("enterprise_id", "-occurred_at")
    ):
        counts[a.enterprise_id] = counts.get(a.enterprise_id, 0) + 1
        latest.setdefault(a.enterprise_id, a)
    until = date(year, 12, 31)
    today = timezone.localdate()
    rows = [
        {
            "enterprise": a.enterprise,
            "accident": a,
            "count": counts[eid],
            "until": until,
            "ended": today > until,
        }
        for eid, a in latest.items()
    ]
    rows.sort(key=lambda r: r["accident"].occurred_at, reverse=True)  # type: ignore[attr-defined]
    return rows

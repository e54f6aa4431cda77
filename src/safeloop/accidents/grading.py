"""Grade an accident by the threshold rows in force on the day it happened."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from safeloop.accidents.choices import Grade, ReportLevel
from safeloop.accidents.models import (
    GradeThreshold,
    ReportingRule,
    ReportingStepRule,
    RevisionWindow,
)


class NoRule(Exception):
    """No rule row is in force for the date: an administrator must load one."""


def thresholds_on(day: date) -> list[GradeThreshold]:
    """For each grade, its newest row in force on `day`; most serious first."""
    newest = {}
    for row in GradeThreshold.objects.filter(effective_from__lte=day).order_by("-effective_from"):
        newest.setdefault(row.grade, row)
    return sorted(newest.values(), key=lambda row: row.rank, reverse=True)


def grade_for(
    *, day: date, deaths: int, missing: int, serious_injuries: int, direct_loss: Decimal
) -> str:
    """The most serious grade any one figure reaches. The missing count with the dead, as
    the accident statistics do (死亡（含失踪）)."""
    for row in thresholds_on(day):
        if (
            deaths + missing >= row.min_deaths
            or serious_injuries >= row.min_serious_injuries
            or direct_loss >= row.min_direct_loss
        ):
            return row.grade
    raise NoRule(_("No accident grading rule is in force for %s.") % day)


def is_late(*, occurred_at: datetime, reported_at: datetime) -> bool:
    rule = (
        ReportingRule.objects.filter(effective_from__lte=occurred_at.date())
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        return False
    return reported_at - occurred_at > timedelta(minutes=rule.report_within_minutes)


def steps_on(day: date) -> list[ReportingStepRule]:
    """The reporting chain in force on `day`: for each level its newest row, in chain order."""
    newest: dict[str, ReportingStepRule] = {}
    for row in ReportingStepRule.objects.filter(effective_from__lte=day).order_by(
        "-effective_from"
    ):
        newest.setdefault(row.level, row)
    order = [level for level, _label in ReportLevel.choices]
    return sorted(newest.values(), key=lambda row: order.index(row.level))


def revision_window(day: date, type_name: str | None) -> RevisionWindow | None:
    """The follow-up window in force on `day` for an accident of `type_name`: a row naming
    the type wins over the general row (empty names) of the same or an older version."""
    rows = list(RevisionWindow.objects.filter(effective_from__lte=day).order_by("-effective_from"))
    for row in rows:
        if type_name and type_name in row.names():
            return row
    return next((row for row in rows if not row.names()), None)


__all__ = [
    "Grade",
    "NoRule",
    "grade_for",
    "is_late",
    "revision_window",
    "steps_on",
    "thresholds_on",
]

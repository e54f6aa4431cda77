"""Grades by 国务院令第493号 Art. 3 as loaded rule data: every boundary of every figure,
the most serious grade wins, the missing count with the dead, and edits to the rules
apply from their date on without regrading history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.accidents.grading import grade_for, is_late
from safeloop.accidents.models import GradeThreshold, ReportingRule

DAY = date(2026, 6, 1)


def grade(deaths=0, missing=0, injuries=0, loss="0", day=DAY):
    return grade_for(
        day=day,
        deaths=deaths,
        missing=missing,
        serious_injuries=injuries,
        direct_loss=Decimal(loss),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("deaths", "expected"),
    [(0, "general"), (2, "general"), (3, "serious"), (9, "serious"), (10, "major"),
     (29, "major"), (30, "extraordinary"), (200, "extraordinary")],
)  # fmt: skip
def test_it_grades_by_deaths_with_the_bound_included(deaths, expected):
    assert grade(deaths=deaths) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("injuries", "expected"),
    [(9, "general"), (10, "serious"), (49, "serious"), (50, "major"), (99, "major"),
     (100, "extraordinary")],
)  # fmt: skip
def test_it_grades_by_serious_injuries(injuries, expected):
    assert grade(injuries=injuries) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("loss", "expected"),
    [("9999999.99", "general"), ("10000000", "serious"), ("49999999.99", "serious"),
     ("50000000", "major"), ("99999999.99", "major"), ("100000000", "extraordinary")],
)  # fmt: skip
def test_it_grades_by_direct_loss(loss, expected):
    assert grade(loss=loss) == expected


@pytest.mark.django_db
def test_it_takes_the_most_serious_grade_any_figure_reaches():
    assert grade(deaths=3, injuries=50) == "major"
    assert grade(deaths=1, injuries=1, loss="100000000") == "extraordinary"


@pytest.mark.django_db
def test_it_counts_the_missing_with_the_dead():
    assert grade(deaths=2, missing=1) == "serious"


@pytest.mark.django_db
def test_it_applies_an_edited_rule_from_its_date_only():
    GradeThreshold.objects.create(
        grade="serious",
        rank=2,
        min_deaths=2,
        min_serious_injuries=10,
        min_direct_loss=Decimal("10000000"),
        effective_from=date(2030, 1, 1),
        source="test amendment",
    )
    assert grade(deaths=2, day=date(2029, 12, 31)) == "general"
    assert grade(deaths=2, day=date(2030, 1, 1)) == "serious"
    # Grades without a newer row keep the old one.
    assert grade(deaths=10, day=date(2030, 1, 1)) == "major"


@pytest.mark.django_db
def test_it_marks_a_report_later_than_the_rule_allows():
    occurred = timezone.now()
    assert not is_late(occurred_at=occurred, reported_at=occurred + timedelta(minutes=60))
    assert is_late(occurred_at=occurred, reported_at=occurred + timedelta(minutes=61))
    ReportingRule.objects.all().delete()
    assert not is_late(occurred_at=occurred, reported_at=occurred + timedelta(days=3))

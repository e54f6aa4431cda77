"""Periods and due days from the schedule rules, across month ends, year ends, Spring Festival
and make-up working days (China's statutory calendar), and administrator overrides."""

from datetime import date

import pytest

from safeloop.core.models import CalendarOverride
from safeloop.selfchecks.models import ScheduleRule
from safeloop.selfchecks.rules_data import RULES
from safeloop.selfchecks.schedule import due_for, nominal_due, period_bounds

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def rule(frequency):
    return ScheduleRule.objects.get(frequency=frequency)


def test_it_loads_a_rule_for_every_frequency():
    from safeloop.risks.choices import Frequency

    assert {r[0] for r in RULES} == set(Frequency.values)
    assert ScheduleRule.objects.filter(source__contains="docs/selfchecks.md").count() == len(RULES)


@pytest.mark.parametrize(
    "period, day, start, end",
    [
        ("day", "2026-02-28", "2026-02-28", "2026-02-28"),
        ("week", "2026-01-01", "2025-12-29", "2026-01-04"),  # a week across the year end
        ("month", "2024-02-10", "2024-02-01", "2024-02-29"),  # leap year
        ("month", "2026-02-10", "2026-02-01", "2026-02-28"),
        ("month", "2025-12-31", "2025-12-01", "2025-12-31"),
        ("quarter", "2026-11-05", "2026-10-01", "2026-12-31"),
        ("quarter", "2026-02-15", "2026-01-01", "2026-03-31"),
        ("year", "2026-07-01", "2026-01-01", "2026-12-31"),
    ],
)
def test_it_finds_the_period_of_a_day(period, day, start, end):
    assert period_bounds(period, D(day)) == (D(start), D(end))


@pytest.mark.parametrize(
    "start, end, due_day, expected",
    [
        ("2026-04-01", "2026-04-30", 31, "2026-04-30"),  # the 31st of a 30-day month
        ("2026-02-01", "2026-02-28", 30, "2026-02-28"),
        ("2026-02-01", "2026-02-28", 0, "2026-02-28"),
        ("2026-02-01", "2026-02-28", -1, "2026-02-27"),
        ("2026-02-01", "2026-02-28", -40, "2026-02-01"),
    ],
)
def test_it_keeps_the_nominal_due_day_inside_the_period(start, end, due_day, expected):
    assert nominal_due(D(start), D(end), due_day) == D(expected)


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2025-12-31", "2025-12-31"),  # the last working day of the year
        ("2026-01-01", None),  # New Year's Day: no daily task
        ("2026-01-03", None),
        ("2026-01-04", "2026-01-04"),  # a Sunday made a working day
        ("2026-01-31", None),  # an ordinary Saturday
        ("2026-02-14", "2026-02-14"),  # the Saturday made up before Spring Festival
        ("2026-02-15", None),  # Spring Festival …
        ("2026-02-18", None),
        ("2026-02-23", None),  # … to its last day
        ("2026-02-24", "2026-02-24"),
        ("2026-02-28", "2026-02-28"),  # the Saturday made up after it
    ],
)
def test_daily_tasks_follow_working_days(day, expected):
    due = due_for(rule("daily"), D(day))
    assert due.due_date == (D(expected) if expected else None)
    assert not due.fell_back


@pytest.mark.parametrize("day", ["2026-01-01", "2026-02-17", "2026-01-31"])
def test_shift_tasks_come_every_day_holidays_too(day):
    assert due_for(rule("shift"), D(day)).due_date == D(day)


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-01-28", "2026-01-30"),  # an ordinary week: Friday
        ("2026-01-01", "2025-12-31"),  # Friday 2 Jan is a holiday: back across the year end
        ("2026-02-10", "2026-02-13"),  # the week before Spring Festival
        ("2026-02-18", "2026-02-20"),  # a week without any working day keeps its Friday
        ("2026-02-25", "2026-02-27"),
        ("2026-10-01", "2026-09-30"),  # National Day week: back to Wednesday
        ("2026-10-08", "2026-10-09"),
    ],
)
def test_weekly_tasks_are_due_friday_or_the_working_day_before(day, expected):
    due = due_for(rule("weekly"), D(day))
    assert due.due_date == D(expected)
    assert due.period_start.weekday() == 0 and due.period_end.weekday() == 6


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-01-05", "2026-01-30"),  # 31 Jan is a Saturday
        ("2026-02-05", "2026-02-28"),  # 28 Feb is a made-up working Saturday
        ("2024-02-05", "2024-02-29"),  # leap year
        ("2026-05-05", "2026-05-29"),  # 31 May is a Sunday
        ("2025-12-05", "2025-12-31"),
        ("2026-12-01", "2026-12-31"),
    ],
)
def test_monthly_tasks_are_due_on_the_last_working_day(day, expected):
    assert due_for(rule("monthly"), D(day)).due_date == D(expected)


def test_quarterly_and_yearly_tasks_are_due_at_the_periods_end():
    assert due_for(rule("quarterly"), D("2026-02-18")).due_date == D("2026-03-31")
    assert due_for(rule("quarterly"), D("2025-11-18")).due_date == D("2025-12-31")
    assert due_for(rule("yearly"), D("2026-02-18")).due_date == D("2026-12-31")


def test_a_rule_moving_forward_skips_the_new_year_holiday():
    first = ScheduleRule(frequency="monthly", period="month", due_day=1, non_working_day="next")
    assert due_for(first, D("2026-01-20")).due_date == D("2026-01-04")


def test_an_administrators_override_is_obeyed():
    CalendarOverride.objects.create(day=D("2026-03-02"), is_workday=False, note="停电检修")
    assert due_for(rule("daily"), D("2026-03-02")).due_date is None
    CalendarOverride.objects.create(day=D("2026-03-07"), is_workday=True)
    assert due_for(rule("daily"), D("2026-03-07")).due_date == D("2026-03-07")


def test_a_year_without_calendar_data_counts_monday_to_friday_and_says_so():
    due = due_for(rule("daily"), D("2031-01-01"))  # a Wednesday
    assert due.due_date == D("2031-01-01") and due.fell_back
    assert due_for(rule("daily"), D("2031-01-04")).due_date is None  # Saturday


def test_the_newest_rule_in_effect_applies(generate):
    from safeloop.selfchecks.generation import rules_in_effect

    ScheduleRule.objects.create(
        frequency="weekly",
        effective_from=D("2026-06-01"),
        period="week",
        due_day=3,
        non_working_day="previous",
        source="县局通知",
    )
    assert rules_in_effect(D("2026-05-31"))["weekly"].due_day == 5
    assert rules_in_effect(D("2026-06-01"))["weekly"].due_day == 3

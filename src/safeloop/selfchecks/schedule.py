"""Periods and due days of self-check tasks, from the schedule rules (rules as data).

Everything here is a function of (rule, day, working-day answer): the same for every measure
of a frequency on a day, so the generator computes it once per frequency and lets PostgreSQL
write the tasks.
"""

import calendar as month_calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from safeloop.core import calendar
from safeloop.selfchecks.choices import NonWorkingDay, Period


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the period of kind `period` that contains `day`."""
    if period == Period.DAY:
        return day, day
    if period == Period.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == Period.MONTH:
        return day.replace(day=1), day.replace(
            day=month_calendar.monthrange(day.year, day.month)[1]
        )
    if period == Period.QUARTER:
        first = 3 * ((day.month - 1) // 3) + 1
        last = first + 2
        return date(day.year, first, 1), date(
            day.year, last, month_calendar.monthrange(day.year, last)[1]
        )
    if period == Period.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown period {period!r}")


def nominal_due(start: date, end: date, due_day: int) -> date:
    """Day `due_day` of the period (1 = first, 0 = last, -1 = the day before the last),
    kept inside the period: the 31st of a 30-day month is its 30th."""
    if due_day > 0:
        return min(end, start + timedelta(days=due_day - 1))
    return max(start, end + timedelta(days=due_day))


@dataclass(frozen=True)
class Due:
    period_start: date
    period_end: date
    due_date: date | None  # None: the rule gives this period no task
    fell_back: bool  # the calendar counted Monday–Friday for some day looked at


class WorkdayBook:
    """Working-day answers for a span, with the administrator's overrides read once."""

    def __init__(self, start: date, end: date):
        self.overrides = calendar._overrides(start, end)
        self.fell_back = False

    def __call__(self, day: date) -> bool:
        answer = calendar.workday(day, self.overrides)
        self.fell_back |= answer.fell_back
        return answer.is_workday


def due_for(rule, day: date, is_workday: Callable[[date], bool] | None = None) -> Due:
    """The period of `rule` containing `day` and the day its task is due."""
    start, end = period_bounds(rule.period, day)
    book = is_workday or WorkdayBook(start, end)
    due = nominal_due(start, end, rule.due_day)
    action = rule.non_working_day
    if action != NonWorkingDay.KEEP and not book(due):
        if action == NonWorkingDay.SKIP:
            due = None
        else:
            due = _nearest_workday(due, start, end, book, forward=action == NonWorkingDay.NEXT)
    fell_back = getattr(book, "fell_back", False)
    return Due(start, end, due, fell_back)


def _nearest_workday(due: date, start: date, end: date, is_workday, *, forward: bool) -> date:
    """The nearest working day in the period in the rule's direction, else in the other
    direction; a period without any working day keeps the nominal day."""
    step = timedelta(days=1 if forward else -1)
    for direction in (step, -step):
        day = due + direction
        while start <= day <= end:
            if is_workday(day):
                return day
            day += direction
    return due

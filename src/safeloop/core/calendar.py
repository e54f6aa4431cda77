"""Working days by China's statutory calendar (holidays and make-up workdays).

Administrator overrides come first; then the `chinese-calendar` package; for a year neither
covers, Monday–Friday — and the answer says so, so the UI can warn.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import pgettext_lazy

from safeloop.core import rulecache


@dataclass(frozen=True)
class Workday:
    is_workday: bool
    fell_back: bool  # True when neither an override nor the statutory data covered the date


def workday(day: date, overrides: dict[date, bool] | None = None) -> Workday:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return Workday(overrides[day], False)
    try:
        return Workday(chinese_calendar.is_workday(day), False)
    except NotImplementedError:
        return Workday(day.weekday() < 5, True)


def _overrides(start: date, end: date) -> dict[date, bool]:
    """Administrator overrides between the two days. All of them are remembered per process
    (a few dozen a year; core/rulecache.py)."""
    every = rulecache.remembered("calendar-overrides", _all_overrides)
    return {day: is_workday for day, is_workday in every.items() if start <= day <= end}


def _all_overrides() -> dict[date, bool]:
    from safeloop.core.models import CalendarOverride

    # for a day overridden more than once, the newest override (added last) counts
    return dict(CalendarOverride.objects.order_by("id").values_list("day", "is_workday"))


@dataclass(frozen=True)
class Deadline:
    day: date
    fell_back: bool


def add_working_days(start: date, count: int) -> Deadline:
    """The `count`-th working day after `start` (start itself not counted)."""
    overrides = _overrides(start, start + timedelta(days=count * 3 + 60))
    day, found, fell_back = start, 0, False
    while found < count:
        day += timedelta(days=1)
        answer = workday(day, overrides)
        fell_back |= answer.fell_back
        found += answer.is_workday
    return Deadline(day, fell_back)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    overrides = _overrides(start, end)
    return sum(
        workday(start + timedelta(days=n), overrides).is_workday
        for n in range(1, (end - start).days + 1)
    )


def working_days_in(start: date, end: date) -> list[date]:
    """The statutory working days from `start` to `end`, both included: weekdays that are
    not holidays, and the weekend days worked in exchange (调休), with the administrators'
    overrides first."""
    overrides = _overrides(start, end)
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if workday(day, overrides).is_workday]


REST, WORK = "rest", "work"


def marks_in(start: date, end: date) -> dict[date, str]:
    """The days a calendar marks, from `start` to `end`: REST (休) for a weekday that is a
    holiday, WORK (班) for a weekend day that is worked. Ordinary days are not listed."""
    overrides = _overrides(start, end)
    marks = {}
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        is_workday = workday(day, overrides).is_workday
        if is_workday and day.weekday() >= 5:
            marks[day] = WORK
        elif not is_workday and day.weekday() < 5:
            marks[day] = REST
    return marks


# Short weekday names as Chinese calendars write them (周一 … 周日), Monday first.
WEEKDAYS = [
    pgettext_lazy("short weekday", "Mon"),
    pgettext_lazy("short weekday", "Tue"),
    pgettext_lazy("short weekday", "Wed"),
    pgettext_lazy("short weekday", "Thu"),
    pgettext_lazy("short weekday", "Fri"),
    pgettext_lazy("short weekday", "Sat"),
    pgettext_lazy("short weekday", "Sun"),
]


def weekday_name(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])

"""Rule rows remembered per process: read once, forgotten when one is saved or deleted."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.core import calendar
from safeloop.core.models import CalendarOverride
from safeloop.hazards.models import HazardPolicy


def test_calendar_overrides_are_read_once_and_an_edit_applies_at_once(db):
    start = date(2031, 1, 29)
    before = calendar.add_working_days(start, 2).day
    with CaptureQueriesContext(connection) as queries:
        assert calendar.add_working_days(start, 2).day == before
    assert len(queries) == 0
    override = CalendarOverride.objects.create(day=date(2031, 1, 30), is_workday=False)
    assert calendar.add_working_days(start, 2).day > before
    override.delete()
    assert calendar.add_working_days(start, 2).day == before


def test_the_policy_is_read_once_and_a_new_one_applies_at_once(db, settings):
    first = HazardPolicy.current()
    with CaptureQueriesContext(connection) as queries:
        assert HazardPolicy.current().pk == first.pk
    assert len(queries) == 0
    newer = HazardPolicy.objects.create(
        effective_from=date.today(), source="测试", listing_level="city"
    )
    assert HazardPolicy.current().pk == newer.pk
    newer.general_max_extensions = 4
    newer.save()
    assert HazardPolicy.current().general_max_extensions == 4


def test_no_memory_when_the_setting_is_zero(db, settings):
    settings.RULES_CACHE_SECONDS = 0
    HazardPolicy.current()
    with CaptureQueriesContext(connection) as queries:
        HazardPolicy.current()
    assert len(queries) == 1

"""Calendar overrides are rules as data: an administrator adds them in the admin (never
edits or deletes them), and the next deadline counts with them at once."""

from datetime import date

import pytest

from safeloop.core import calendar
from safeloop.core.models import AuditEntry, CalendarOverride
from safeloop.orgs.roles import Role
from tests.scope import assert_status

START = date(2031, 1, 29)  # a Wednesday; + 2 working days is Friday the 31st


@pytest.fixture
def staff(world):
    user = world.user(Role.SYSTEM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def add(client, day: str, is_workday: bool, note: str = ""):
    data = {"day": day, "note": note, "source": "市政府通知"}
    if is_workday:
        data["is_workday"] = "on"
    return client.post("/admin/core/calendaroverride/add/", data)


def test_an_administrator_adds_an_override_and_the_next_deadline_counts_with_it(
    world, client, staff
):
    assert calendar.add_working_days(START, 2).day == date(2031, 1, 31)  # remembered now
    client.force_login(staff)
    assert_status(add(client, "2031-01-30", False, "停电检修"), 302)
    override = CalendarOverride.objects.get()
    assert (override.day, override.is_workday) == (date(2031, 1, 30), False)
    entry = AuditEntry.objects.filter(action="core.calendaroverride.create").latest("id")
    assert entry.actor == staff
    assert calendar.add_working_days(START, 2).day == date(2031, 2, 3)  # the memory was forgotten


def test_a_correction_is_a_newer_override_for_the_same_day(world, client, staff):
    client.force_login(staff)
    assert_status(add(client, "2031-01-30", False), 302)
    assert_status(add(client, "2031-01-30", True, "更正：照常上班"), 302)
    assert CalendarOverride.objects.filter(day=date(2031, 1, 30)).count() == 2
    assert calendar.add_working_days(START, 2).day == date(2031, 1, 31)


def test_an_override_is_never_changed_or_deleted_in_the_admin(world, client, staff):
    override = CalendarOverride.objects.create(day=date(2031, 1, 30), is_workday=False)
    client.force_login(staff)
    base = f"/admin/core/calendaroverride/{override.pk}"
    assert_status(client.get(f"{base}/change/"), 200)  # viewable, read only
    client.post(f"{base}/change/", {"day": "2031-01-30", "is_workday": "on"})
    override.refresh_from_db()
    assert override.is_workday is False
    assert_status(client.post(f"{base}/delete/", {"post": "yes"}), 403)
    assert CalendarOverride.objects.filter(pk=override.pk).exists()


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.SAFETY_MANAGER, None])
def test_no_one_else_can_add_an_override(world, client, role):
    client.force_login(world.users[role])
    assert_status(add(client, "2031-01-30", False), 302)  # sent to the admin's sign-in
    assert not CalendarOverride.objects.exists()

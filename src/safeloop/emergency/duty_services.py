"""Writes of the duty roster (shifts kept by a region's administrators) and the
append-only duty log, and who is on duty now."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import IllegalMove
from safeloop.core.scoping import reaches
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.emergency.models import (
    DUTY_EDITORS,
    DUTY_STAFF,
    DutyLogEntry,
    DutyShift,
)
from safeloop.orgs.models import Region, RegionLevel

# Duty roster and duty log ----------------------------------------------------------------

MAX_SHIFT_HOURS = 72


@service
def add_shift(
    *, actor, region: Region, post: str, person, phone: str, starts_at, ends_at, note: str = ""
) -> DutyShift:
    """A person on duty for a county or the city. The region's administrators keep its
    roster; the person must be a regulator of that region, not on another shift then."""
    require(
        Region.objects.for_user(actor, "view").filter(pk=region.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "region",
    )
    require(
        region.level in (RegionLevel.CITY, RegionLevel.COUNTY),
        _("Choose a city or county."),
        "region",
    )
    shift = DutyShift(
        region=region,
        region_code=region.code,
        post=post,
        person=person,
        phone=phone,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )
    allow(reaches(actor.grants(), DUTY_EDITORS, shift))
    require(ends_at > starts_at, _("A shift ends after it starts."), "ends_at")
    require(
        ends_at - starts_at <= timedelta(hours=MAX_SHIFT_HOURS),
        _("A shift lasts at most %(n)s hours.") % {"n": MAX_SHIFT_HOURS},
        "ends_at",
    )
    require(
        reaches(person.grants(), DUTY_STAFF, shift),
        _("The person on duty must be a regulator of this region."),
        "person",
    )
    overlapping = DutyShift.objects.filter(
        person=person, cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    require(not overlapping.exists(), _("This person is on another shift then."), "person")
    shift.full_clean()
    shift.save(action="emergency.duty.add", actor=actor)
    track(shift, "change")
    return shift


@service
def cancel_shift(*, actor, shift: DutyShift, version: int | None) -> DutyShift:
    shift = lock(DutyShift, actor, shift.pk, version=version)
    if shift.cancelled:
        raise IllegalMove(_("This shift is already cancelled."))
    shift.cancelled = True
    bump(shift)
    shift.save(action="emergency.duty.cancel", actor=actor)
    return shift


@service
def log_duty(*, actor, region: Region, kind: str, text: str, incident=None) -> DutyLogEntry:
    """A line of the region's duty log, by a regulator of that region."""
    entry = DutyLogEntry(
        region=region,
        region_code=region.code,
        kind=kind,
        text=text,
        incident=incident,
        author=actor,
        author_label=(actor.full_name or actor.get_username()) if actor else "",
    )
    allow(actor is not None and reaches(actor.grants(), DUTY_STAFF, entry))
    require(text.strip(), _("Write what happened."), "text")
    entry.full_clean()
    entry.save()
    return entry


def on_duty_now(region_code: str, at=None):
    """The users on a shift of `region_code` at `at` (now)."""
    at = at or timezone.now()
    return DutyShift.objects.filter(
        region_code=region_code, cancelled=False, starts_at__lte=at, ends_at__gt=at
    ).values("person_id")

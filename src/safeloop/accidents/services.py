"""Every write to an accident: keyword-only, with the acting user; each checks the actor's
right, grades the record by the rule data, and is audited. A record is voided with a
reason, never deleted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.grading import NoRule, grade_for, is_late
from safeloop.accidents.models import Accident
from safeloop.core.errors import Conflict
from safeloop.core.scoping import can, ensure_in_scope

EDITABLE = (
    "occurred_at",
    "place",
    "summary",
    "accident_type",
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "direct_loss",
    "measures_taken",
)


def _grade(accident: Accident) -> None:
    if accident.occurred_at and accident.occurred_at > timezone.now():
        raise ValidationError({"occurred_at": [_("An accident cannot happen in the future.")]})
    try:
        accident.grade = grade_for(
            day=timezone.localdate(accident.occurred_at),
            deaths=accident.deaths,
            missing=accident.missing,
            serious_injuries=accident.serious_injuries,
            direct_loss=accident.direct_loss,
        )
    except NoRule as error:
        raise ValidationError({"occurred_at": [str(error)]}) from None


def _locked(accident: Accident, actor, action: str, version: int | None) -> Accident:
    try:
        locked = Accident.objects.for_user(actor, action).select_for_update().get(pk=accident.pk)
    except Accident.DoesNotExist:
        raise PermissionDenied from None
    if locked.voided:
        raise ValidationError(_("This accident record was voided."))
    if version is None:
        raise ValidationError({"version": [_("Send the version you read.")]})
    if locked.version != version:
        raise Conflict(
            _("This accident was changed by someone else (now version %s). Reload it.")
            % locked.version
        )
    return locked


@transaction.atomic
def record(*, actor, enterprise, **fields) -> Accident:
    """Report an accident of `enterprise`: its own staff or a regulator over it."""
    if not can(actor, "change", enterprise):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    accident = Accident(enterprise=enterprise, reported_by=actor, **fields)
    accident.reported_at = timezone.now()
    accident.full_clean(exclude=["grade"])
    _grade(accident)
    accident.reported_late = is_late(
        occurred_at=accident.occurred_at, reported_at=accident.reported_at
    )
    accident.save(action="accidents.accident.record", actor=actor)
    ensure_in_scope(actor, "change", accident)
    return accident


@transaction.atomic
def update(*, actor, accident: Accident, version: int | None, **fields) -> Accident:
    """Correct or complete a report (casualty figures change within 30 days, Art. 13);
    the grade follows the figures."""
    accident = _locked(accident, actor, "change", version)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"not editable: {name}")
        setattr(accident, name, value)
    accident.full_clean(exclude=["grade"])
    _grade(accident)
    accident.version += 1
    accident.save(action="accidents.accident.update", actor=actor)
    ensure_in_scope(actor, "change", accident)
    return accident


@transaction.atomic
def void(*, actor, accident: Accident, reason: str, version: int | None) -> Accident:
    """A regulator withdraws a record entered in error; it stays readable."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for voiding.")]})
    accident = _locked(accident, actor, "void", version)
    accident.voided = True
    accident.void_reason = reason.strip()
    accident.version += 1
    accident.save(action="accidents.accident.void", actor=actor)
    return accident

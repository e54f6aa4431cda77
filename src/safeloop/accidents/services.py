"""Every write to an accident: keyword-only, with the acting user, one function per move of
the `accident` table (accidents/workflow.py). Each locks the record through the actor's
scope (404 outside it, 403 when seen but not theirs to change), checks the move against the
table (409 when the record's state has no such move), grades the record by the rule data, and
is audited. A record is voided with a reason, never deleted."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.grading import NoRule, grade_for, is_late
from safeloop.accidents.models import Accident
from safeloop.accidents.workflow import ACCIDENT_WORKFLOW, actor_kinds
from safeloop.core.errors import Invalid
from safeloop.core.services import bump, lock, require, service, track
from safeloop.enterprises.models import Enterprise

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
    require(
        not (accident.occurred_at and accident.occurred_at > timezone.now()),
        _("An accident cannot happen in the future."),
        "occurred_at",
    )
    try:
        accident.grade = grade_for(
            day=timezone.localdate(accident.occurred_at),
            deaths=accident.deaths,
            missing=accident.missing,
            serious_injuries=accident.serious_injuries,
            direct_loss=accident.direct_loss,
        )
    except NoRule as error:
        raise Invalid(str(error), field="occurred_at") from None


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _clean(accident: Accident) -> None:
    """The model's own field rules (ValidationError: 400 field by field), then the grade."""
    accident.full_clean(exclude=["grade"])
    _grade(accident)


@service
def record(*, actor, enterprise: Enterprise, **fields: Any) -> Accident:
    """Report an accident of `enterprise` (move `report`): its own staff or a regulator
    over it. An enterprise the actor cannot see reads like one that does not exist (400)."""
    _check_fields(fields)
    require(
        Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists(),
        _("Invalid pk - object does not exist."),
        "enterprise",
    )
    accident = Accident(enterprise=enterprise, reported_by=actor, **fields)
    ACCIDENT_WORKFLOW.apply(accident, "report", actor_kinds(actor, accident))
    accident.reported_at = timezone.now()
    _clean(accident)
    accident.reported_late = is_late(
        occurred_at=accident.occurred_at, reported_at=accident.reported_at
    )
    accident.save(action="accidents.accident.record", actor=actor)
    track(accident, "change")
    return accident


@service
def update(*, actor, accident: Accident, version: int | None, **fields: Any) -> Accident:
    """Correct or complete a report (move `correct`; casualty figures change within 30 days,
    Art. 13); the grade follows the figures. The version read is required."""
    _check_fields(fields)
    accident = lock(Accident, actor, accident.pk, action="change", version=version)
    ACCIDENT_WORKFLOW.apply(accident, "correct", actor_kinds(actor, accident))
    require(version is not None, _("Send the version you read."), "version")
    for name, value in fields.items():
        setattr(accident, name, value)
    _clean(accident)
    bump(accident)
    accident.save(action="accidents.accident.update", actor=actor)
    return accident


@service
def void(*, actor, accident: Accident, reason: str, version: int | None) -> Accident:
    """A regulator withdraws a record entered in error (move `void`); it stays readable."""
    accident = lock(Accident, actor, accident.pk, action="void", version=version)
    ACCIDENT_WORKFLOW.apply(accident, "void", actor_kinds(actor, accident))
    require((reason or "").strip(), _("Give the reason for voiding."), "reason")
    require(version is not None, _("Send the version you read."), "version")
    accident.void_reason = reason.strip()
    bump(accident)
    accident.save(action="accidents.accident.void", actor=actor)
    return accident


MOVES = {"report": record, "correct": update, "void": void}


def allowed_moves(accident: Accident, user) -> list[str]:
    """The moves `user` may make on `accident` now (what the screens and the API offer)."""
    state = ACCIDENT_WORKFLOW.current(accident)
    return ACCIDENT_WORKFLOW.moves_for(state, actor_kinds(user, accident))

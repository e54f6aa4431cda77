"""Every write to an accident: keyword-only, with the acting user, one function per move of
the `accident` table (accidents/workflow.py). Each locks the record through the actor's
scope (404 outside it, 403 when seen but not theirs to change), checks the move against the
table (409 when the record's state has no such move), grades the record by the rule data, and
is audited. A record is voided with a reason, never deleted."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents import chain
from safeloop.accidents.grading import NoRule, grade_for, is_late, revision_window
from safeloop.accidents.models import Accident, Revision
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


# The figures a 续报 changes; the casualties only within the follow-up window.
FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")
CASUALTIES = ("deaths", "missing", "serious_injuries", "minor_injuries")


def _revise(accident: Accident, actor, reason: str, previous_grade: str | None) -> Revision:
    """Append the record's figures and grade as its next revision."""
    last = accident.revisions.order_by("-number").first()
    return Revision.objects.create(
        accident=accident,
        number=(last.number + 1) if last else 1,
        made_by=actor,
        reason=reason,
        grade=accident.grade,
        regraded=previous_grade is not None and previous_grade != accident.grade,
        **{name: getattr(accident, name) for name in FIGURES},
    )


def window_closes(accident: Accident):
    """When casualty changes stop re-grading the accident (None: no rule loaded)."""
    kind = accident.accident_type
    type_name = kind.name if kind is not None else None
    window = revision_window(timezone.localdate(accident.occurred_at), type_name)
    if window is None:
        return None
    return accident.occurred_at + timedelta(days=window.days)


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
    steps = chain.lay_down(accident, actor)
    if steps and steps[0].late != accident.reported_late:
        accident.reported_late = steps[0].late
        Accident.objects.filter(pk=accident.pk).update(reported_late=steps[0].late)
    _revise(accident, actor, _("First report"), None)
    chain.tell_supervisors(accident)
    return accident


@service
def update(
    *, actor, accident: Accident, version: int | None, reason: str = "", **fields: Any
) -> Accident:
    """Correct or complete a report (move `correct`). A change of the figures is a 续报: it
    needs a reason, re-grades the accident and is kept as a new revision; casualty figures
    change only within the follow-up window (Art. 13: 30 days, 7 for road and fire
    accidents, as rule data). The version read is required."""
    _check_fields(fields)
    accident = lock(Accident, actor, accident.pk, action="change", version=version)
    ACCIDENT_WORKFLOW.apply(accident, "correct", actor_kinds(actor, accident))
    require(version is not None, _("Send the version you read."), "version")
    before = {name: getattr(accident, name) for name in FIGURES}
    previous_grade = accident.grade
    for name, value in fields.items():
        setattr(accident, name, value)
    _clean(accident)
    changed = [name for name in FIGURES if getattr(accident, name) != before[name]]
    if changed:
        require((reason or "").strip(), _("Give the reason the figures changed."), "reason")
        closes = window_closes(accident)
        if any(name in CASUALTIES for name in changed) and closes is not None:
            require(
                timezone.now() <= closes,
                _("The follow-up period for casualties ended on %s.")
                % timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"),
                next(name for name in changed if name in CASUALTIES),
            )
    bump(accident)
    accident.save(action="accidents.accident.update", actor=actor)
    if changed:
        _revise(accident, actor, reason.strip(), previous_grade)
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
report_onward = chain.report_onward


def allowed_moves(accident: Accident, user) -> list[str]:
    """The moves `user` may make on `accident` now (what the screens and the API offer)."""
    state = ACCIDENT_WORKFLOW.current(accident)
    return ACCIDENT_WORKFLOW.moves_for(state, actor_kinds(user, accident))

"""Every change to a warning by a person: one function per move of the `warning` table
(alerts/workflow.py). Each locks the warning through the actor's scope (404 outside it, 403
when seen but not theirs to change, 409 on a stale version), makes the move through the table
(409 when the state has no such move, 403 when the actor's kinds may not make it), bumps the
version and is audited; the kit re-checks the scope before commit. (Warnings are raised only
by the evaluation job, evaluation.py.)"""

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.workflow import WARNING_WORKFLOW, actor_kinds
from safeloop.core.services import bump, lock, require, service

NOTE_MAX = 2000


def _move(warning: EarlyWarning, move: str, actor, version: int | None, note: str):
    warning = lock(EarlyWarning, actor, warning.pk, action="change", version=version)
    WARNING_WORKFLOW.apply(warning, move, actor_kinds(actor, warning))
    require(len(note) <= NOTE_MAX, _("At most %d characters.") % NOTE_MAX, "note")
    if note:
        warning.note = note
    return warning


def _save(warning: EarlyWarning, move: str, actor) -> EarlyWarning:
    bump(warning)
    warning.save(action=f"alerts.earlywarning.{move}", actor=actor)
    return warning


@service
def acknowledge(*, warning, actor, note: str = "", version: int | None = None) -> EarlyWarning:
    """Someone responsible has seen the warning and is acting on it."""
    warning = _move(warning, "acknowledge", actor, version, note.strip())
    warning.acknowledged_by, warning.acknowledged_at = actor, timezone.now()
    return _save(warning, "acknowledge", actor)


@service
def close(*, warning, actor, note: str, version: int | None = None) -> EarlyWarning:
    """A regulator closes the warning, saying what was done about it."""
    warning = _move(warning, "close", actor, version, note.strip())
    require(note.strip(), _("Say what was done about this warning."), "note")
    warning.closed_by, warning.closed_at = actor, timezone.now()
    return _save(warning, "close", actor)


MOVES = {"acknowledge": acknowledge, "close": close}
BULK_MAX = 500


@service
def acknowledge_many(*, items: list[tuple[int, int]], actor, note: str = "") -> int:
    """Acknowledge several warnings with one note: each as `acknowledge` would (scope, version,
    table, audit), all or none — the first one refused refuses the lot and says which."""
    require(items, _("Choose at least one warning."), "items")
    require(len(items) <= BULK_MAX, _("At most %d warnings at a time.") % BULK_MAX, "items")
    require(len({pk for pk, _v in items}) == len(items), _("A warning is listed twice."), "items")
    note = note.strip()
    for pk, version in sorted(items):
        warning = _move(EarlyWarning(pk=pk), "acknowledge", actor, version, note)
        warning.acknowledged_by, warning.acknowledged_at = actor, timezone.now()
        _save(warning, "acknowledge", actor)
    return len(items)


def allowed_moves(warning: EarlyWarning, user) -> list[str]:
    return WARNING_WORKFLOW.moves_for(warning.state, actor_kinds(user, warning))

"""Every change to a warning by a person: one function per move of the transition table.
(Warnings are raised only by the evaluation job, evaluation.py.)"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.workflow import WARNING_WORKFLOW, actor_kinds
from safeloop.core.errors import Conflict, IllegalMove
from safeloop.core.scoping import ensure_in_scope

NOTE_MAX = 2000


def _lock(warning: EarlyWarning, actor, version: int | None) -> EarlyWarning:
    locked = EarlyWarning.objects.for_user(actor).select_for_update().filter(pk=warning.pk).first()
    if locked is None:
        raise EarlyWarning.DoesNotExist
    if version is not None and locked.version != version:
        raise Conflict(_("Someone changed this warning meanwhile; reload and try again."))
    return locked


def _move(warning, move, actor, version, note, **fields) -> EarlyWarning:
    warning = _lock(warning, actor, version)
    transition = WARNING_WORKFLOW.check(warning.state, move, actor_kinds(actor, warning))
    if len(note) > NOTE_MAX:
        raise IllegalMove(_("At most %d characters.") % NOTE_MAX, field="note")
    for name, value in fields.items():
        setattr(warning, name, value)
    if note:
        warning.note = note
    warning.state = transition.target
    warning.version += 1
    warning.save(action=f"alerts.earlywarning.{move}", actor=actor)
    ensure_in_scope(actor, "view", warning)
    return warning


@transaction.atomic
def acknowledge(*, warning, actor, note: str = "", version: int | None = None) -> EarlyWarning:
    """Someone responsible has seen the warning and is acting on it."""
    return _move(
        warning,
        "acknowledge",
        actor,
        version,
        note.strip(),
        acknowledged_by=actor,
        acknowledged_at=timezone.now(),
    )


@transaction.atomic
def close(*, warning, actor, note: str, version: int | None = None) -> EarlyWarning:
    """A regulator closes the warning, saying what was done about it."""
    if not note.strip():
        raise IllegalMove(_("Say what was done about this warning."), field="note")
    return _move(
        warning, "close", actor, version, note.strip(), closed_by=actor, closed_at=timezone.now()
    )


MOVES = {"acknowledge": acknowledge, "close": close}


def allowed_moves(warning: EarlyWarning, user) -> list[str]:
    return WARNING_WORKFLOW.moves_for(warning.state, actor_kinds(user, warning))

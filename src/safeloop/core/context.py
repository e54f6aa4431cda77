"""Who is acting and in which request, for audit entries written deep inside services.

Set by RequestContextMiddleware for web requests and by `acting_as` for jobs and commands.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionContext:
    actor: object | None = None  # an explicit actor (jobs, commands, tests)
    request: object | None = None  # the web request; its user is read late (API tokens)
    request_id: str = ""
    ip: str | None = None

    @property
    def user(self):
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: ContextVar[ActionContext | None] = ContextVar("safeloop_action_context", default=None)
_NOBODY = ActionContext()


def current() -> ActionContext:
    return _current.get() or _NOBODY


@contextmanager
def action_context(context: ActionContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def acting_as(actor=None, *, request_id: str | None = None):
    """For jobs and commands: changes made inside are audited as `actor` (None: the system)."""
    return action_context(
        ActionContext(actor=actor, request_id=request_id or f"job-{uuid.uuid4()}")
    )

"""The service kit: every write with a rule goes through these few functions.

    @service
    def confirm(*, hazard, actor, version=None, note=""):
        hazard = lock(Hazard, actor, hazard.pk, version=version)       # 404 / 403 / 409
        HAZARD_WORKFLOW.apply(hazard, "confirm", actor_kinds(actor, hazard))  # 409 / 403
        require(note.strip(), _("Say why."), "note")                   # 400
        bump(hazard)
        hazard.save(action="hazards.hazard.confirm")
        return hazard                              # re-checked in scope before commit

- `service` runs the function in one transaction, audits what it writes as `actor`, and
  before it commits checks that every record it locked or `track`ed is still inside the
  actor's scope for the action it was taken for (a write may not move a row out of reach).
- `lock` reads a row for update through the actor's scope: 404 when the actor cannot see it,
  403 when they see it but may not act on it, 409 when its version is not the one they read.
- `require` turns a broken rule into a field-level 400.

Errors are the family in `safeloop.core.errors`; screens and the API map them the same way.
"""

import functools
from contextvars import ContextVar
from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from safeloop.core.context import action_context, current
from safeloop.core.errors import Conflict, Invalid, NotFound, NotPermitted, OutOfScope
from safeloop.core.scoping import as_pk, can, decides_in_memory

# The records the running service has locked or created, with the action each was taken for.
_touched: ContextVar[list | None] = ContextVar("safeloop_service_touched", default=None)


def service(func):
    """One transaction, audited as the keyword argument `actor` (None: the system or the
    public); every record locked or tracked inside is re-checked in scope before commit.
    Nested services join the outer one's transaction and its re-check."""

    @functools.wraps(func)
    def wrapper(*args, actor, **kwargs):
        outer = _touched.get()
        with transaction.atomic():
            touched: list = [] if outer is None else outer
            token = _touched.set(touched)
            try:
                context = current()
                if actor is not None and context.user is not actor:
                    with action_context(replace(context, actor=actor)):
                        result = func(*args, actor=actor, **kwargs)
                else:
                    result = func(*args, actor=actor, **kwargs)
                if outer is None:
                    _recheck(actor, touched)
            finally:
                _touched.reset(token)
        return result

    return wrapper


def _recheck(actor, touched: list) -> None:
    if actor is None:
        return
    seen = set()
    for obj, action in touched:
        key = (type(obj), obj.pk, action)
        if obj.pk is None or key in seen:
            continue
        seen.add(key)
        allowed = decides_in_memory(actor, action, obj)
        if allowed is None:
            allowed = can(actor, action, obj)
        if not allowed:
            raise OutOfScope(_("This change would put the record outside your scope."))


def track(obj, action: str = "change"):
    """Re-check `obj` in the actor's scope for `action` when the running service ends (for
    records a service creates; `lock` tracks what it locks). Returns `obj`."""
    touched = _touched.get()
    if touched is not None and hasattr(type(obj), "scope_paths"):
        touched.append((obj, action))
    return obj


def untrack(obj) -> None:
    """Leave `obj` out of the running service's re-check: for a record the service has just
    retired on purpose (a soft delete hides it from every scoped read)."""
    touched = _touched.get()
    if touched is not None:
        touched[:] = [(o, a) for o, a in touched if not (type(o) is type(obj) and o.pk == obj.pk)]


def lock(model, actor, pk, *, action: str = "change", version: int | None = None, queryset=None):
    """The row `pk` of `model`, locked for update.

    NotFound (404) when `actor` cannot see it, NotPermitted (403) when they see it but may
    not `action` it, Conflict (409) when `version` is given and is not the row's. `actor`
    None is the system: no scope applies. `queryset` narrows the rows (select_related …)."""
    rows = queryset if queryset is not None else model._default_manager.all()
    if actor is not None and hasattr(model, "scope_paths"):
        rows = rows.for_user(actor, "view")
    pk = as_pk(pk)
    if pk is None:
        raise NotFound()
    obj = rows.select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    scoped = actor is not None and hasattr(model, "scope_paths")
    if scoped and action != "view" and not can(actor, action, obj):
        raise NotPermitted()
    check_version(obj, version)
    track(obj, action if actor is not None else "view")
    return obj


def check_version(obj, version: int | None) -> None:
    """Conflict (409) when the caller read another version than the row's. None: the
    caller did not say which version it read (older API clients)."""
    if version is None:
        return
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Invalid(_("The version must be a whole number."), field="version") from None
    if obj.version != version:
        raise Conflict()


def bump(obj) -> None:
    """The next version of an edited record; call once per change, before saving."""
    obj.version = (obj.version or 0) + 1


def require(condition, message, field: str | None = None) -> None:
    """Invalid (400) with `message` on `field` (or on no one field) unless `condition`."""
    if not condition:
        raise Invalid(message, field=field)


def allow(condition, message="") -> None:
    """NotPermitted (403) unless `condition`: the actor sees the record but may not act."""
    if not condition:
        raise NotPermitted(message)


def after_commit(func, *args, **kwargs) -> None:
    """Run `func` once the transaction commits (notifications, jobs): nobody is told of a
    change that was rolled back."""
    transaction.on_commit(functools.partial(func, *args, **kwargs))

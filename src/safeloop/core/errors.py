"""The one family of errors a service raises, and the one mapping to HTTP statuses.

Screens (`safeloop.core.views.attempt`) and the API (`safeloop.core.api.exception_handler`)
both answer through `status_for`, so the same failure is the same status everywhere:

| error | status | meaning |
|---|---|---|
| `Invalid`, Django's `ValidationError` | 400 | the input is wrong; fields say where |
| `NotPermitted` (Django's `PermissionDenied`) | 403 | visible, but the act is not allowed |
| `NotFound` (and `ObjectDoesNotExist`, `Http404`) | 404 | no such record in the actor's scope |
| `Conflict` | 409 | someone changed the record since it was read (stale version) |
| `IllegalMove` | 409 | the move does not exist in the record's state (400 when it names a field) |
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

NON_FIELD = "non_field_errors"


class ServiceError(Exception):
    """Base of the family. `field` names the input the message is about, if any."""

    status = 400
    code = "error"

    def __init__(self, message="", *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def fields(self) -> dict[str, list[str]]:
        return {self.field: [str(self.message)]} if self.field else {}


class Invalid(ServiceError):
    """400: the input breaks a rule. `Invalid(message, field=…)` or `Invalid({field: [..]})`."""

    status = 400
    code = "invalid"

    def __init__(self, message="", *, field: str | None = None):
        if isinstance(message, dict):
            self.errors = {
                k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in message.items()
            }
            super().__init__(" ".join(m for v in self.errors.values() for m in v))
        else:
            super().__init__(message, field=field)
            self.errors = {field or NON_FIELD: [str(message)]}

    def fields(self) -> dict[str, list[str]]:
        return self.errors


class NotPermitted(ServiceError, PermissionDenied):
    """403: the actor sees the record but may not do this to it."""

    status = 403
    code = "permission_denied"

    def __init__(self, message="", *, field: str | None = None):
        super().__init__(message or _("You may not do this."), field=field)


class OutOfScope(NotPermitted):
    """403: the write would leave the record outside the actor's scope."""


class NotFound(ServiceError, Http404):
    """404: no such record inside the actor's scope (its existence is not revealed)."""

    status = 404
    code = "not_found"

    def __init__(self, message="", *, field: str | None = None):
        super().__init__(message or _("Not found."), field=field)


class Conflict(ServiceError):
    """409: the record changed since the actor read it (optimistic version)."""

    status = 409
    code = "conflict"

    def __init__(self, message="", *, field: str | None = None):
        super().__init__(
            message or _("Someone changed this record meanwhile; reload it and try again."),
            field=field,
        )


class IllegalMove(ServiceError):
    """409: the move does not exist from the record's current state (400 with a field: the
    move exists but the input given for it is not acceptable)."""

    status = 409
    code = "illegal_move"

    @property
    def status_code(self) -> int:
        return 400 if self.field else 409


def status_for(exc: BaseException) -> int | None:
    """The HTTP status of a service error, or None when `exc` is not one of the family."""
    if isinstance(exc, IllegalMove):
        return exc.status_code
    if isinstance(exc, ServiceError):
        return exc.status
    if isinstance(exc, ValidationError):
        return 400
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return 404
    return None


def fields_for(exc: BaseException) -> dict[str, list[str]]:
    """Field → messages of an error (NON_FIELD for messages about no one field)."""
    if isinstance(exc, ServiceError):
        fields = exc.fields()
        return fields or {NON_FIELD: [str(exc.message)]}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {
                (NON_FIELD if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in exc.message_dict.items()
            }
        return {NON_FIELD: [str(m) for m in exc.messages]}
    return {NON_FIELD: [str(exc)]} if str(exc) else {}


def message_for(exc: BaseException) -> str:
    if isinstance(exc, ServiceError):
        return str(exc.message)
    return " ".join(m for messages in fields_for(exc).values() for m in messages)

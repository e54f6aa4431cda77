"""The screens' side of the service kit: run a service, answer its errors as the API does.

    def hazard_confirm(request, pk):
        hazard = get_for_user_or_404(Hazard, request.user, pk)
        form = ConfirmForm(request.POST)
        if form.is_valid():
            done = attempt(request, services.confirm, hazard=hazard, actor=request.user,
                           form=form, **form.cleaned_data)
            if done:
                messages.success(request, _("Confirmed."))
                return redirect(hazard)
            status = done.status                      # 400 or 409, errors on the form
        ...

404 and 403 are raised (Django's error pages); 400 and 409 put the messages on the form's
fields (or its non-field errors) and come back with their status, so the page re-renders with
what the user typed.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeloop.core.errors import NON_FIELD, fields_for, message_for, status_for
from safeloop.core.scoping import as_pk, can


@dataclass
class Outcome:
    """What `attempt` gives back: true when the service ran; else the status and message."""

    ok: bool
    value: Any = None
    status: int = 200
    message: str = ""
    error: BaseException | None = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(request, func, /, *args, form=None, **kwargs) -> Outcome:
    """Run the service `func(*args, **kwargs)`. 404 → Http404, 403 → PermissionDenied; 400
    and 409 go onto `form` (by field where the form has it) or, without a form, into the
    page's messages, and come back as an Outcome with their status. Anything outside the
    error family propagates."""
    try:
        value = func(*args, **kwargs)
    except Exception as error:  # only the family is answered; anything else propagates
        status = status_for(error)
        if status is None:
            raise
        if status == 404:
            raise Http404 from error
        if status == 403:
            raise PermissionDenied(message_for(error)) from error
        message = message_for(error)
        if form is not None:
            put_errors(form, error)
        elif request is not None and message:
            messages.error(request, message)
        return Outcome(False, status=status, message=message, error=error)
    return Outcome(True, value=value)


def attempt_form(request, form, func, /, **kwargs) -> Outcome:
    """A bound `form` through the service: 400 when the form is invalid (its errors already
    on it), else `attempt(request, func, form=form, **kwargs, **form.cleaned_data)`."""
    if not form.is_valid():
        return Outcome(False, status=400)
    return attempt(request, func, form=form, **kwargs, **form.cleaned_data)


def put_errors(form, error: BaseException) -> None:
    """The error's messages on the form's fields; those about no field of the form on the
    form itself."""
    for name, field_messages in fields_for(error).items():
        target = name if name in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
    if not form.errors and (message := message_for(error)):
        form.add_error(None, message)


def get_for_user_or_404(model_or_queryset, user, pk, action: str = "view"):
    """The record `pk` if `user` can see it (404 otherwise, whether or not it exists); with
    an `action` other than view, 403 when they see it but may not do that."""
    queryset = getattr(model_or_queryset, "objects", model_or_queryset)
    if hasattr(queryset, "all"):
        queryset = queryset.all()
    pk = as_pk(pk)
    if pk is None:
        raise Http404
    obj = queryset.for_user(user, "view").filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != "view" and not can(user, action, obj):
        raise PermissionDenied
    return obj


__all__ = ["NON_FIELD", "Outcome", "attempt", "get_for_user_or_404", "put_errors"]


def file_response(stored, *, public: bool = False):
    """A stored upload served through a view that has already checked who may see its record.

    Uploads are never served from the media folder directly (it has no scope), so every
    document link on a page goes through its record's view and this one response: the file's
    own name for download, no content sniffing, and private caching unless the record is public.
    """
    from django.http import FileResponse

    if not stored:
        raise Http404
    response = FileResponse(stored.open("rb"), filename=stored.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response

"""API conventions shared by every app: one error shape, scoped viewsets."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, permissions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from safeloop.core.errors import fields_for, message_for, status_for
from safeloop.core.scoping import can, ensure_in_scope


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


class ServiceConflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = "conflict"


def _as_drf(exc):
    """A service error (core.errors) as the DRF exception of the same status."""
    status = status_for(exc)
    if status is None:
        return exc
    if status == 400:
        return exceptions.ValidationError(fields_for(exc))
    if status == 403:
        return exceptions.PermissionDenied(message_for(exc) or None)
    if status == 404:
        return exceptions.NotFound()
    code = getattr(exc, "code", "conflict")
    return ServiceConflict(message_for(exc), code=code)


def exception_handler(exc, context):
    """Every error is `{"error": {"code", "message", "fields"}}`; fields map name → messages.
    Service errors get the statuses of `safeloop.core.errors.status_for`, as on the screens."""
    if not isinstance(exc, exceptions.APIException | Http404):
        exc = _as_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields = {}
    message = ""
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if isinstance(detail, dict):
            fields = {k: v if isinstance(v, list) else [v] for k, v in detail.items()}
        else:
            fields = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        message = str(exceptions.ValidationError.default_detail)
    else:
        message = str(getattr(exc, "detail", exc))
        if hasattr(exc, "get_codes") and isinstance(exc.get_codes(), str):
            code = exc.get_codes()
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


class ScopedViewSetMixin(viewsets.GenericViewSet):
    """Reads go through `for_user(user, "view")`: an object outside the user's scope is a 404.
    A visible object the user may not change is a 403 on writes."""

    write_action = "change"

    def get_queryset(self):
        base = self.queryset  # type: ignore[arg-type]  # the stubs read it as a descriptor
        assert isinstance(base, QuerySet), "a scoped viewset names its queryset"
        model: Any = base.model
        return model.objects.for_user(self.request.user, "view").order_by(
            *(base.query.order_by or ["pk"])
        )

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS and not can(
            self.request.user, self.write_action, obj
        ):
            raise exceptions.PermissionDenied()
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Create and update run the model's own validation and must leave the object inside
    the actor's scope, all in one transaction. Regulated records are never deleted here."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)

    def _save_in_scope(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            instance.full_clean()
            ensure_in_scope(self.request.user, self.write_action, instance)

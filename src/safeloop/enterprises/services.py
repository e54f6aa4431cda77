"""Every write to the ledger that has a rule. Keyword-only, with the acting user; each locks
its row, checks the actor's right and the record's version, writes, and is audited."""

import hashlib
import os
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.context import action_context, current
from safeloop.core.scoping import can, ensure_in_scope
from safeloop.enterprises import safety_managers
from safeloop.enterprises.choices import ChangeRequestStatus
from safeloop.enterprises.models import ChangeRequest, Document, Enterprise, SafetyManager

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# extension → (content type, magic prefix)
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


class Conflict(Exception):
    """The record changed since the actor read it (optimistic concurrency)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            _(
                "This enterprise was changed by someone else (now version %(v)s). "
                "Reload it and apply your change again."
            )
            % {"v": current_version}
        )


@contextmanager
def _as(actor):
    """Audit entries written inside name `actor`, keeping the request's id and address."""
    with action_context(replace(current(), actor=actor)):
        yield


def service(function):
    """One transaction, audited as the keyword argument `actor`."""

    @wraps(function)
    def wrapper(*args, actor, **kwargs):
        with transaction.atomic(), _as(actor):
            return function(*args, actor=actor, **kwargs)

    return wrapper


def _locked(model, actor, action: str, pk):
    """The row, locked, if the actor may `action` it; PermissionDenied if they only see it."""
    try:
        return model.objects.for_user(actor, action).select_for_update().get(pk=pk)
    except model.DoesNotExist:
        if model.objects.for_user(actor, "view").filter(pk=pk).exists():
            raise PermissionDenied from None
        raise


def _value(obj, name):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _assign(obj, data: dict) -> list[str]:
    """Set fields from `data` (model values); return the names that changed."""
    changed = []
    for name, value in data.items():
        field = obj._meta.get_field(name)
        new = value.pk if field.is_relation and value is not None else value
        if _value(obj, name) != new:
            setattr(obj, field.attname, new)  # a new key drops the cached related object
            changed.append(name)
    return changed


def is_regulator_for(actor, enterprise) -> bool:
    return can(actor, "regulate", enterprise)


def _plan_managers(enterprise: Enterprise, entries: list[dict]):
    """Rows to save and rows to remove so that the enterprise's safety managers equal
    `entries`; None when they already do. Every problem of every row is reported."""
    safety_managers.check_count(entries)
    current_rows = list(enterprise.safety_managers.select_for_update().order_by("position", "pk"))
    entries = [dict(entry) for entry in entries]
    masked = safety_managers.unmask(entries, current_rows)
    if masked:
        raise ValidationError({"safety_managers": masked})
    plan = safety_managers.pair(current_rows, entries, lambda: SafetyManager(enterprise=enterprise))
    if plan is None:
        return None
    errors = [m for n, row in enumerate(plan[0], start=1) for m in safety_managers.problems(row, n)]
    if errors:
        raise ValidationError({"safety_managers": errors})
    return plan


def _write_managers(plan) -> None:
    rows, removed = plan
    now = timezone.now()
    for row in removed:
        row.removed_at = now
        row.save(action="remove")
    for row in rows:
        row.save()


@service
def create_enterprise(
    *, actor, data: dict, safety_managers: list[dict] | None = None
) -> Enterprise:
    enterprise = Enterprise()
    _assign(enterprise, data)
    enterprise.full_clean()
    enterprise.save()
    if safety_managers:
        _write_managers(_plan_managers(enterprise, safety_managers))
    ensure_in_scope(actor, "create", enterprise)
    return enterprise


@service
def update_enterprise(
    *,
    actor,
    enterprise: Enterprise,
    data: dict,
    expected_version: int,
    safety_managers: list[dict] | None = None,
    regulated_ok=False,
) -> Enterprise:
    """Apply `data` (and, unless None, the whole list of safety managers) if the record is
    still at `expected_version`. Enterprise staff may not change regulated fields (they file
    a change request instead)."""
    locked = _locked(Enterprise, actor, "change", enterprise.pk)
    if locked.version != expected_version:
        raise Conflict(locked.version)
    regulator = regulated_ok or is_regulator_for(actor, locked)
    changed = _assign(locked, data)
    plan = None if safety_managers is None else _plan_managers(locked, safety_managers)
    if not regulator:
        refused = [name for name in changed if name in Enterprise.REGULATED_FIELDS]
        if refused:
            raise ValidationError(
                {
                    name: _("Only a regulator changes this; file a change request.")
                    for name in refused
                }
            )
    if not changed and plan is None:
        return locked
    locked.full_clean()
    locked.version += 1
    locked.save()
    if plan is not None:
        _write_managers(plan)
    ensure_in_scope(actor, "change", locked)
    return locked


@service
def delete_enterprise(*, actor, enterprise: Enterprise, expected_version: int) -> Enterprise:
    """Soft delete: the record stays for the history; its code becomes free for re-use."""
    locked = _locked(Enterprise, actor, "delete", enterprise.pk)
    if locked.version != expected_version:
        raise Conflict(locked.version)
    locked.deleted_at = timezone.now()
    locked.version += 1
    locked.save(action="delete")
    return locked


@service
def bulk_update(*, actor, enterprise_ids, data: dict) -> int:
    """Assign a grid cell or change the status of many enterprises at once (regulators).
    All or none: one enterprise outside the actor's reach refuses the whole batch."""
    allowed = {"grid", "status"}
    if not data or set(data) - allowed:
        raise ValidationError(_("Bulk edit changes the grid cell or the status only."))
    ids = sorted(set(enterprise_ids))
    rows = list(
        Enterprise.objects.for_user(actor, "regulate").select_for_update().filter(pk__in=ids)
    )
    if len(rows) != len(ids):
        raise PermissionDenied(_("Some of the selected enterprises are outside your scope."))
    count = 0
    for row in rows:
        if _assign(row, data):
            row.full_clean()
            row.version += 1
            row.save(action="bulk_update")
            ensure_in_scope(actor, "regulate", row)
            count += 1
    return count


def _check_proposed(enterprise: Enterprise, proposed: dict) -> None:
    unknown = set(proposed) - set(Enterprise.REGULATED_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field is not changed by request.") for name in sorted(unknown)}
        )
    if not proposed:
        raise ValidationError(_("Propose at least one change."))
    trial = Enterprise.objects.get(pk=enterprise.pk)
    _assign(trial, proposed)
    trial.full_clean()


def _serialise(proposed: dict) -> dict:
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in proposed.items()}


def _deserialise(proposed: dict) -> dict:
    out = {}
    for name, value in proposed.items():
        field = Enterprise._meta.get_field(name)
        out[name] = (
            field.related_model.objects.get(pk=value)
            if field.is_relation and value is not None
            else value
        )
    return out


@service
def request_change(*, actor, enterprise: Enterprise, proposed: dict, reason: str = ""):
    """Enterprise staff ask their regulator to change a regulated field."""
    if not can(actor, "change", enterprise):
        raise PermissionDenied
    _check_proposed(enterprise, proposed)
    request = ChangeRequest(
        enterprise=enterprise, requested_by=actor, proposed=_serialise(proposed), reason=reason
    )
    request.save()
    return request


@service
def decide_change_request(*, actor, change_request: ChangeRequest, approve: bool, note: str = ""):
    locked = _locked(ChangeRequest, actor, "change", change_request.pk)
    if locked.status != ChangeRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not is_regulator_for(actor, locked.enterprise):
        raise PermissionDenied
    if approve:
        enterprise = locked.enterprise
        update_enterprise(
            actor=actor,
            enterprise=enterprise,
            data=_deserialise(locked.proposed),
            expected_version=enterprise.version,
            regulated_ok=True,
        )
    locked.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(action="approve" if approve else "refuse")
    return locked


def check_upload(upload) -> tuple[str, str]:
    """Type and size limits for documents; returns (content type, sha256)."""
    ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if ext not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("Attach a PDF, PNG or JPEG file.")}, code="document_type")
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")}, code="size")
    content_type, magic = DOCUMENT_TYPES[ext]
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(magic):
        raise ValidationError(
            {"file": _("The file's content does not match its extension.")}, code="content"
        )
    digest.update(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


@service
def add_document(*, actor, enterprise: Enterprise, kind: str, title: str, upload) -> Document:
    if not can(actor, "change", enterprise):
        raise PermissionDenied
    content_type, sha256 = check_upload(upload)
    document = Document(
        enterprise=enterprise,
        kind=kind,
        title=title or upload.name,
        original_name=os.path.basename(upload.name)[:200],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
    )
    document.file = upload
    document.full_clean(exclude=["file"])
    document.save()
    ensure_in_scope(actor, "change", document)
    return document

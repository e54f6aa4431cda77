"""Every write to the ledger that has a rule, on the core kit (`safeloop.core.services`):
keyword-only, with the acting user, one transaction; each reads its row with `lock` (404
outside the actor's scope, 403 visible but not permitted, 409 stale version), lets the
workflow table decide change requests and import batches, writes, is audited, and has what
it wrote re-checked in the actor's scope before commit."""

import hashlib
import os
import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from safeloop.core import audit
from safeloop.core.bulk import inspect_xlsx
from safeloop.core.errors import (
    Conflict,
    IllegalMove,
    Invalid,
    NotFound,
    NotPermitted,
    fields_for,
)
from safeloop.core.scoping import can
from safeloop.core.services import (
    after_commit,
    allow,
    bump,
    lock,
    require,
    service,
    track,
    untrack,
)
from safeloop.core.workflow import SYSTEM
from safeloop.enterprises import safety_managers
from safeloop.enterprises.models import (
    ChangeRequest,
    Document,
    Enterprise,
    EnterpriseChild,
    ImportBatch,
    SafetyManager,
)
from safeloop.enterprises.workflow import (
    CHANGE_REQUEST,
    IMPORT_BATCH,
    REGULATOR,
    STAFF,
    UPLOADER,
)
from safeloop.orgs import people
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# extension → (content type, magic prefix)
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


def actor_kinds(user, enterprise: Enterprise) -> set[str]:
    """The kinds of `enterprises.workflow.CHANGE_REQUEST` that `user` is for `enterprise`."""
    kinds = set()
    if user is not None and any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == enterprise.pk for g in user.grants()
    ):
        kinds.add(STAFF)
    if is_regulator_for(user, enterprise):
        kinds.add(REGULATOR)
    return kinds


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


def _lock_enterprise(actor, pk, action: str, version: int | None) -> Enterprise:
    """`lock`, with a conflict that tells the version the record has now."""
    try:
        return lock(Enterprise, actor, pk, action=action, version=version)
    except Conflict:
        now = Enterprise.objects.filter(pk=pk).values_list("version", flat=True).first()
        raise Conflict(
            _(
                "This enterprise was changed by someone else (now version %(v)s). "
                "Reload it and apply your change again."
            )
            % {"v": now}
        ) from None


def is_regulator_for(actor, enterprise: Enterprise) -> bool:
    return actor is not None and can(actor, "regulate", enterprise)


def _plan_managers(enterprise: Enterprise, entries: list[dict]):
    """Rows to save and rows to remove so that the enterprise's safety managers equal
    `entries`; None when they already do. Every problem of every row is reported."""
    safety_managers.check_count(entries)
    current_rows = list(enterprise.safety_managers.select_for_update().order_by("position", "pk"))
    entries = [dict(entry) for entry in entries]
    masked = safety_managers.unmask(entries, current_rows)
    if masked:
        raise Invalid({"safety_managers": masked})
    plan = safety_managers.pair(current_rows, entries, lambda: SafetyManager(enterprise=enterprise))
    if plan is None:
        return None
    errors = [m for n, row in enumerate(plan[0], start=1) for m in safety_managers.problems(row, n)]
    if errors:
        raise Invalid({"safety_managers": errors})
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
    track(enterprise, "create")
    return enterprise


@service
def update_enterprise(
    *,
    actor,
    enterprise: Enterprise,
    data: dict,
    expected_version: int | None,
    safety_managers: list[dict] | None = None,
    regulated_ok: bool = False,
) -> Enterprise:
    """Apply `data` (and, unless None, the whole list of safety managers) if the record is
    still at `expected_version` (None: an approved change request, which read no version).
    Enterprise staff may not change regulated fields (they file a change request instead)."""
    locked = _lock_enterprise(actor, enterprise.pk, "change", expected_version)
    regulator = regulated_ok or is_regulator_for(actor, locked)
    people_before = _people(locked)
    changed = _assign(locked, data)
    plan = None if safety_managers is None else _plan_managers(locked, safety_managers)
    if not regulator:
        refused = [name for name in changed if name in Enterprise.REGULATED_FIELDS]
        if refused:
            raise Invalid(
                {
                    name: _("Only a regulator changes this; file a change request.")
                    for name in refused
                }
            )
    if not changed and plan is None:
        return locked
    locked.full_clean()
    bump(locked)
    locked.save()
    if plan is not None:
        _write_managers(plan)
    _accounts_follow(locked, people_before)
    return locked  # re-checked in the actor's scope before commit


def _people(enterprise: Enterprise) -> dict:
    """The ledger's people with their mobile numbers: (role, name) → mobile."""
    found = {(Role.ENTERPRISE_PRINCIPAL, enterprise.principal): enterprise.principal_mobile}
    for row in enterprise.safety_managers.all():
        found[(Role.SAFETY_MANAGER, row.name)] = row.mobile
    return found


def _accounts_follow(enterprise: Enterprise, before: dict) -> None:
    """A mobile number changed in the ledger changes the account of that person
    (orgs.people: the ledger row and the account are one person)."""
    after = _people(enterprise)
    changes = [
        (role, old, after[(role, name)])
        for (role, name), old in before.items()
        if (role, name) in after and old and after[(role, name)] != old
    ]
    if before.get((Role.ENTERPRISE_PRINCIPAL, enterprise.principal)) is None:
        # the principal was renamed: the number still belongs to the principal's account
        old = next((m for (r, _n), m in before.items() if r == Role.ENTERPRISE_PRINCIPAL), "")
        if old and old != enterprise.principal_mobile:
            changes.append((Role.ENTERPRISE_PRINCIPAL, old, enterprise.principal_mobile))
    if changes:
        people.ledger_changed(enterprise.pk, changes)


@service
def delete_enterprise(*, actor, enterprise: Enterprise, expected_version: int) -> Enterprise:
    """Soft delete: the record stays for the history; its code becomes free for re-use."""
    locked = _lock_enterprise(actor, enterprise.pk, "delete", expected_version)
    locked.deleted_at = timezone.now()
    bump(locked)
    locked.save(action="delete")
    untrack(locked)  # deleted on purpose: it has left every scoped read
    return locked


@service
def bulk_update(*, actor, enterprise_ids, data: dict) -> int:
    """Assign a grid cell or change the status of many enterprises at once (regulators).
    All or none: one enterprise outside the actor's reach refuses the whole batch."""
    allowed = {"grid", "status"}
    require(
        data and not set(data) - allowed, _("Bulk edit changes the grid cell or the status only.")
    )
    ids = sorted(set(enterprise_ids))
    visible = Enterprise.objects.for_user(actor, "view").filter(pk__in=ids)
    rows = list(visible.select_for_update(of=("self",)).order_by("pk"))
    if len(rows) != len(ids):
        raise NotFound(_("Some of the selected enterprises are outside your scope."))
    if visible.for_user(actor, "regulate").count() != len(ids):
        raise NotPermitted(_("You may not change some of the selected enterprises."))
    count = 0
    for row in rows:
        if _assign(row, data):
            row.full_clean()
            bump(row)
            row.save(action="bulk_update")
            track(row, "regulate")
            count += 1
    return count


def _check_proposed(enterprise: Enterprise, proposed: dict) -> None:
    unknown = set(proposed) - set(Enterprise.REGULATED_FIELDS)
    if unknown:
        raise Invalid(
            {name: _("This field is not changed by request.") for name in sorted(unknown)}
        )
    require(proposed, _("Propose at least one change."))
    trial = Enterprise.objects.get(pk=enterprise.pk)
    _assign(trial, proposed)
    try:
        trial.full_clean()
    except ValidationError as error:
        raise Invalid(fields_for(error)) from None


def _serialise(proposed: dict) -> dict:
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in proposed.items()}


def _deserialise(proposed: dict) -> dict:
    out = {}
    for name, value in proposed.items():
        related = Enterprise._meta.get_field(name).related_model
        if isinstance(related, type) and value is not None:  # a key: the row it names
            out[name] = related._default_manager.get(pk=value)
        else:
            out[name] = value
    return out


@service
def request_change(
    *, actor, enterprise: Enterprise, proposed: dict, reason: str = ""
) -> ChangeRequest:
    """Enterprise staff ask their regulator to change a regulated field."""
    enterprise = lock(Enterprise, actor, enterprise.pk, action="view")
    request = ChangeRequest(
        enterprise=enterprise, requested_by=actor, proposed=_serialise(proposed), reason=reason
    )
    CHANGE_REQUEST.apply(request, "request", actor_kinds(actor, enterprise))  # 403: not staff
    _check_proposed(enterprise, proposed)
    request.save()
    return track(request, "view")


@service
def decide_change_request(
    *, actor, change_request: ChangeRequest, approve: bool, note: str = ""
) -> ChangeRequest:
    """A regulator in scope approves (the change is applied) or refuses a pending request;
    a decided request is 409."""
    queryset = ChangeRequest.objects.select_related("enterprise")
    # 404 outside the actor's scope; then the table: 409 decided, 403 for all but regulators
    locked = lock(ChangeRequest, actor, change_request.pk, action="view", queryset=queryset)
    move = "approve" if approve else "refuse"
    try:
        CHANGE_REQUEST.apply(locked, move, actor_kinds(actor, locked.enterprise))
    except IllegalMove:
        raise IllegalMove(_("This request has already been decided.")) from None
    if approve:
        update_enterprise(
            actor=actor,
            enterprise=locked.enterprise,
            data=_deserialise(locked.proposed),
            expected_version=None,
            regulated_ok=True,
        )
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(action="approve" if approve else "refuse")
    return locked


def check_upload(upload) -> tuple[str, str]:
    """Type and size limits for documents; returns (content type, sha256)."""
    ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    require(ext in DOCUMENT_TYPES, _("Attach a PDF, PNG or JPEG file."), "file")
    require(upload.size <= DOCUMENT_MAX_BYTES, _("The file is larger than 10 MB."), "file")
    content_type, magic = DOCUMENT_TYPES[ext]
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(16)
    require(head.startswith(magic), _("The file's content does not match its extension."), "file")
    digest.update(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


@service
def add_document(*, actor, enterprise: Enterprise, kind: str, title: str, upload) -> Document:
    enterprise = lock(Enterprise, actor, enterprise.pk, action="view")
    allow_change(actor, enterprise)
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
    return track(document)


def allow_change(actor, enterprise: Enterprise) -> None:
    """403 unless `actor` may change `enterprise`'s file (its staff or a regulator in scope);
    the enterprise itself is read through `lock` or `get_for_user_or_404` first (404)."""
    allow(can(actor, "change", enterprise))


@service
def add_part(*, actor, enterprise: Enterprise, part: EnterpriseChild) -> EnterpriseChild:
    """Add a licence or a special operator (an unsaved row) to the enterprise's file."""
    enterprise = lock(Enterprise, actor, enterprise.pk, action="view")
    allow_change(actor, enterprise)
    part.enterprise = enterprise  # type: ignore[attr-defined]  # every child has this key
    part.full_clean()
    _save_part(part)
    return track(part)


@service
def change_part(
    *, actor, part: EnterpriseChild, data: dict, version: int | None
) -> EnterpriseChild:
    """Change a licence or a special operator: `version` is the one read (400 when missing,
    409 when stale); the enterprise stays the same."""
    require(version is not None, _("Send the version you read to change the record."), "version")
    model = type(part)
    part = lock(model, actor, part.pk, version=version)
    data.pop("enterprise", None)
    for name, value in data.items():
        setattr(part, name, value)
    part.full_clean()
    bump(part)
    _save_part(part)
    return part


def _save_part(part) -> None:
    """Save, answering a row that another request made a duplicate meanwhile (the unique
    constraint, past the `full_clean` check) as 409 rather than a database error."""
    try:
        with transaction.atomic():
            part.save()
    except IntegrityError:
        raise Conflict(_("This record already exists.")) from None


# Ledger imports: an uploaded spreadsheet is checked (dry run), then applied. Every status
# change is a move of `enterprises.workflow.IMPORT_BATCH` on the locked batch.


def sync_limit() -> int:
    """Files whose sheets unpack to more than this many bytes run as a background job."""
    return getattr(settings, "LEDGER_IMPORT_SYNC_BYTES", 4 * 1024 * 1024)


def sync_rows() -> int:
    """Files with more rows than this run as a background job."""
    return getattr(settings, "LEDGER_IMPORT_SYNC_ROWS", 5_000)


def in_background(upload) -> bool:
    """Whether the check of `upload` runs as a job: decided on what the file unpacks to and
    its real row count (core.bulk.inspect_xlsx), never on its compressed size — a small
    file can hold a huge cell. A file that is no zip is refused at once, in the request."""
    try:
        shape = inspect_xlsx(upload, stop_after=sync_limit())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return shape.uncompressed > sync_limit() or shape.rows > sync_rows()


def batches_for(user) -> QuerySet[ImportBatch]:
    """A batch is its uploader's alone (regulators; others get 403 first)."""
    return ImportBatch.objects.filter(created_by=user)


def allow_import(user) -> None:
    """403 unless `user` is a regulator: only regulators import the ledger."""
    allow(user is not None and bool(user.roles & REGULATORS))


def _lock_batch(actor, batch: ImportBatch) -> ImportBatch:
    """The batch, locked: the uploader's own (404 for anyone else), or any for the system."""
    queryset = ImportBatch.objects.all() if actor is None else batches_for(actor)
    return lock(ImportBatch, actor, batch.pk, queryset=queryset)


def _batch_kinds(actor, batch: ImportBatch) -> set[str]:
    if actor is None:
        return {SYSTEM}
    return {UPLOADER} if batch.created_by_id == actor.pk else set()


@service
def upload_batch(*, actor, upload, check: bool = True) -> ImportBatch:
    """Keep an uploaded file as a new batch and start its check (a background job for a
    large file: the caller runs `imports.run_batch` for a small one)."""
    allow_import(actor)
    require(upload is not None, _("Choose a file."), "file")
    batch = ImportBatch(
        token=secrets.token_hex(16),
        created_by=actor,
        original_name=(upload.name or "")[:200],
        background=in_background(upload),
    )
    IMPORT_BATCH.apply(batch, "upload", _batch_kinds(actor, batch))
    batch.moved_at = timezone.now()
    batch.file.save(f"{batch.token}.xlsx", upload, save=False)
    batch.save()
    _audit_batch(batch, "upload", "", {"original_name": batch.original_name})
    return start_batch(actor=actor, batch=batch, apply=False) if check else batch


@service
def start_batch(*, actor, batch: ImportBatch, apply: bool) -> ImportBatch:
    """Move the batch to checking (apply=False) or importing (apply=True). Importing needs
    a checked file without errors (409 otherwise). A background batch is queued for the
    worker once this commits; the caller runs a small one (`imports.run_batch`)."""
    batch = _lock_batch(actor, batch)  # 404 for anyone but the uploader; then the table
    before = batch.status
    if apply:
        refused = _("Only a checked file without errors can be imported.")
        try:
            IMPORT_BATCH.apply(batch, "apply", _batch_kinds(actor, batch))
        except IllegalMove:
            raise IllegalMove(refused) from None
        if batch.error_count:  # checked, with errors: the file must be corrected first
            raise IllegalMove(refused)
    else:
        IMPORT_BATCH.apply(batch, "check", _batch_kinds(actor, batch))
    batch.processed_rows = 0
    batch.moved_at = timezone.now()
    batch.save(update_fields=["status", "processed_rows", "moved_at"])
    _audit_batch(batch, "apply" if apply else "check", before)
    _queue(batch, apply=apply)
    return batch


def _queue(batch: ImportBatch, *, apply: bool) -> None:
    """A background batch is queued for the worker once the move commits."""
    if batch.background:  # the job `enterprises.tasks.run_import`, named: no import cycle
        job = app.configure_task("enterprises.run_import", allow_unknown=False)
        after_commit(job.defer, batch_id=batch.pk, apply=apply)


INTERRUPTED = "任务中断：处理此文件的进程意外停止，未导入任何数据。请点击“重试”重新检查。"


@service
def interrupt_batch(*, actor, batch: ImportBatch) -> ImportBatch:
    """The recovery's end of a batch whose process died while checking or importing (actor
    None: the system). The import is one transaction, so nothing of it was written; the
    batch fails with the reason and its uploader may retry it."""
    batch = _lock_batch(actor, batch)
    before = batch.status
    IMPORT_BATCH.apply(batch, "interrupt", _batch_kinds(actor, batch))
    batch.message = INTERRUPTED
    batch.moved_at = timezone.now()
    batch.save(update_fields=["status", "message", "moved_at"])
    _audit_batch(batch, "interrupt", before, {"message": batch.message})
    return batch


@service
def retry_batch(*, actor, batch: ImportBatch) -> ImportBatch:
    """Check a failed batch's file again from the start (403 for a non-regulator, 404 for
    anyone but the uploader, 409 unless failed). The previous outcome is cleared; a
    background batch is queued again, the caller runs a small one (`imports.run_batch`)."""
    if actor is not None:
        allow_import(actor)
    batch = _lock_batch(actor, batch)
    before = batch.status
    IMPORT_BATCH.apply(batch, "retry", _batch_kinds(actor, batch))
    for name in (
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    ):
        setattr(batch, name, 0)
    batch.errors, batch.message, batch.moved_at = [], "", timezone.now()
    batch.save()
    _audit_batch(batch, "retry", before)
    _queue(batch, apply=False)
    return batch


@service
def finish_batch(*, actor, batch: ImportBatch, move: str, outcome: dict) -> ImportBatch:
    """The job's end of a check or an import (actor None: the system): `move` is checked,
    applied or fail, and the outcome's counts and errors are recorded."""
    batch = _lock_batch(actor, batch)
    before = batch.status
    IMPORT_BATCH.apply(batch, move, _batch_kinds(actor, batch))
    for name, value in outcome.items():
        setattr(batch, name, value)
    batch.moved_at = timezone.now()
    batch.save()
    counts = {k: v for k, v in outcome.items() if k.endswith("_count") or k == "message"}
    _audit_batch(batch, move, before, counts)
    return batch


def _audit_batch(batch: ImportBatch, move: str, before: str, extra: dict | None = None):
    """A batch keeps no audit of its own saves (its rows are audited one by one); each move
    of its lifecycle is an entry."""
    audit.record(
        f"enterprises.importbatch.{move}",
        batch,
        changes={
            "status": [before, batch.status],
            **{k: [None, v] for k, v in (extra or {}).items()},
        },
    )

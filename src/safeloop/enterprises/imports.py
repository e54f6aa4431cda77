"""Importing a ledger spreadsheet: check the file, validate every row (collecting every error
by row and column), then upsert by USCC in one transaction, all rows or none.

One pass over the sheet in openpyxl's read-only mode; rows are validated and written in
chunks with bulk statements, each write audited like a save would be."""

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from safeloop.core import bulk
from safeloop.core.bulk import copy_insert
from safeloop.core.context import current
from safeloop.core.models import AuditEntry
from safeloop.core.scoping import reaches
from safeloop.core.storage import local_copy
from safeloop.enterprises import columns as C
from safeloop.enterprises import safety_managers as managers_
from safeloop.enterprises import services
from safeloop.enterprises.choices import LicenceKind
from safeloop.enterprises.models import (
    Enterprise,
    ImportBatch,
    Licence,
    SafetyManager,
    SectorRule,
    normalise_uscc,
)
from safeloop.enterprises.sheet_reader import open_sheet
from safeloop.orgs.models import GridCell, Park, Region

MAX_BYTES = bulk.MAX_BYTES
ERROR_LIMIT = bulk.ERROR_LIMIT
CHUNK = 1000
FIELDS = [c.key for c in C.COLUMNS if c.key not in C.LICENCE_KEYS and c.kind != "managers"]
MANAGERS = "safety_managers"
FileRefused = bulk.FileRefused


def parallel_limit() -> int:
    """Files larger than this are read by a child process, beside the validation."""
    return getattr(settings, "LEDGER_IMPORT_PARALLEL_BYTES", 1024 * 1024)


def analyse_rows() -> int:
    """An applied import that wrote at least this many rows (LEDGER_IMPORT_ANALYZE_ROWS) has
    its tables analysed once it commits: the statements after it, the summary triggers of
    the next import among them, are then planned on the real row counts."""
    return getattr(settings, "LEDGER_IMPORT_ANALYZE_ROWS", 1_000)


def check_file(name: str, path) -> None:
    """A sound .xlsx within the ledger's limits (core.bulk.check_file with `limits()`)."""
    bulk.check_file(name, path, limits=limits())


def limits() -> bulk.XlsxLimits:
    """What a ledger file may hold: the row limit of the import (LEDGER_IMPORT_MAX_ROWS),
    1 GB of sheets unpacked, 128 MB of shared strings, Excel's own cell size."""
    return bulk.XlsxLimits(max_rows=getattr(settings, "LEDGER_IMPORT_MAX_ROWS", 200_000))


@dataclass
class Lookups:
    regions: dict  # name or code → Region (county level)
    parks: dict  # name → Park
    grids: dict  # code → GridCell
    mapping: dict  # sector rules
    choice: dict  # key → (label/value → value)

    @classmethod
    def load(cls, actor):
        # only what the actor can see: a county, park or grid cell outside the scope is
        # "not found", exactly as one that does not exist (no existence oracle)
        regions = {}
        for r in Region.objects.for_user(actor).filter(level="county"):
            regions[r.name] = regions[r.code] = r
        return cls(
            regions=regions,
            parks={p.name: p for p in Park.objects.for_user(actor).select_related("region")},
            grids={g.code: g for g in GridCell.objects.for_user(actor)},
            mapping=SectorRule.mapping(),
            choice={c.key: C.choice_maps(c.choices)[0] for c in C.COLUMNS if c.choices},
        )


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, col: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERROR_LIMIT:
            header = C.COLUMNS[col].header if col is not None else ""
            letter = get_column_letter(col + 1) if col is not None else ""
            self.errors.append([row, letter, header, str(message)])


class Importer:
    def __init__(self, *, actor, apply: bool, progress=None):
        self.actor = actor
        self.apply = apply
        self.progress = progress
        self.grants = actor.grants()
        self.lookups = Lookups.load(actor)
        self.result = Result()
        self.seen: dict[str, int] = {}
        self.max_rows = getattr(settings, "LEDGER_IMPORT_MAX_ROWS", 200_000)
        self.type_ids = {
            m: ContentType.objects.get_for_model(m).pk for m in (Enterprise, Licence, SafetyManager)
        }

    # reading
    def run(self, path) -> Result:
        in_child = os.path.getsize(path) > parallel_limit()
        with open_sheet(path, C.SHEET, len(C.COLUMNS) + 20, in_child=in_child) as (declared, rows):
            self.total_hint = max(0, declared - 1)
            positions = self._header(next(rows, None))
            with transaction.atomic():
                self._rows(rows, positions)
                if self.apply and self.result.error_count:
                    transaction.set_rollback(True)
        return self.result

    def _header(self, header) -> list[int]:
        return bulk.header_positions(header, C.COLUMNS, C.normalise)

    def _rows(self, rows, positions) -> None:
        chunk = []
        n = 1
        for n, raw in enumerate(rows, start=2):
            if n - 1 > self.max_rows:
                raise FileRefused(f"超过 {self.max_rows:,} 行，请拆分后分批导入")
            if raw is None or all(v is None or v == "" for v in raw):
                continue
            values = [raw[p] if 0 <= p < len(raw) else None for p in positions]
            self.result.total += 1
            chunk.append(self._parse(n, values))
            if len(chunk) >= CHUNK:
                self._chunk(chunk)
                chunk = []
                if self.progress:
                    self.progress(n - 1, max(self.total_hint, n - 1))
        if chunk:
            self._chunk(chunk)
        if self.progress:
            self.progress(n - 1, n - 1)

    # one row
    def _parse(self, n: int, values: list):
        data, licence, ok, bad, managers = {}, {}, True, set(), []
        for i, (column, raw) in enumerate(zip(C.COLUMNS, values, strict=True)):
            try:
                value = self._convert(column, C.normalise(raw))
            except C.CellError as error:
                self.result.error(n, i, error)
                ok = False
                bad.add(column.key)
                continue
            if column.required and value in (None, ""):
                self.result.error(n, i, "必填")
                ok = False
                bad.add(column.key)
            if column.key in C.LICENCE_KEYS:
                licence[column.key] = value
            elif column.kind == "managers":
                managers = value
                ok = self._check_managers(n, i, managers) and ok
            else:
                data[column.key] = value
        uscc = data.get("uscc")
        if uscc:
            first = self.seen.setdefault(uscc, n)
            if first != n:
                self.result.error(n, 0, f"与第 {first} 行的统一社会信用代码重复")
                ok = False
        if any(licence.values()) and not all(licence.values()):
            for key in C.LICENCE_KEYS:
                if not licence[key]:
                    self.result.error(n, self._col(key), "填写许可证时此项必填")
            ok = False
        # Rows with cell errors still go through the model's checks, to list every error.
        return n, data, licence, bad, ok, managers

    def _check_managers(self, n: int, col: int, managers: list[dict]) -> bool:
        if len(managers) > SafetyManager.MAX_PER_ENTERPRISE:
            self.result.error(n, col, f"安全管理人员最多 {SafetyManager.MAX_PER_ENTERPRISE} 人")
            return False
        problems = []
        for k, entry in enumerate(managers, start=1):
            row = SafetyManager(**entry)
            if "*" in row.certificate_number:  # a masked number, resolved against the record
                row.certificate_number = "masked"
            problems += managers_.problems(row, k)
        for message in problems:
            self.result.error(n, col, message)
        return not problems

    def _convert(self, column: C.Column, value):
        kind = column.kind
        if kind == "text":
            text = C.to_text(value)
            return text.replace("；", "\n") if column.key == "former_names" else text
        if kind == "uscc":
            return normalise_uscc(C.to_code(value))
        if kind == "code":
            return C.to_code(value)
        if kind == "int":
            return C.to_int(value)
        if kind == "managers":
            return C.to_managers(value)
        if kind == "decimal":
            return C.to_decimal(value)
        if kind == "date":
            return C.to_date(value)
        if kind == "bool":
            return C.to_bool(value)
        if kind == "choice":
            if value is None:
                return Enterprise._meta.get_field(column.key).default
            found = self.lookups.choice[column.key].get(str(value))
            if found is None:
                raise C.CellError(f"“{value}”不是可选值")
            return found
        lookup = {"region": self.lookups.regions, "park": self.lookups.parks}.get(kind)
        if kind == "grid":
            lookup = self.lookups.grids
        if value is None:
            return None
        found = lookup.get(C.to_code(value) if kind != "park" else str(value))
        if found is None:
            raise C.CellError(f"找不到“{value}”")
        return found

    def _col(self, key: str) -> int:
        return next(i for i, c in enumerate(C.COLUMNS) if c.key == key)

    # a chunk of valid rows
    def _chunk(self, chunk) -> None:
        usccs = [data["uscc"] for _, data, *_ in chunk if data.get("uscc")]
        existing = {
            e.uscc: e
            for e in Enterprise.objects.filter(uscc__in=usccs).select_related(
                "region", "park", "grid"
            )
        }
        current_managers = {}
        for row in SafetyManager.objects.filter(
            enterprise_id__in=[e.pk for e in existing.values()]
        ).order_by("enterprise_id", "position", "pk"):
            current_managers.setdefault(row.enterprise_id, []).append(row)
        creates, updates, audits, licences, manager_plans = [], [], [], [], []
        for n, data, licence, bad, ok, managers in chunk:
            old = existing.get(data.get("uscc")) if ok else None
            e = Enterprise() if old is None else old
            before = None if old is None else {f: _plain(getattr(old, f)) for f in FIELDS}
            regulate = Enterprise.scope_roles["regulate"]
            reached_before = old is not None and reaches(self.grants, regulate, old)
            for key, value in data.items():
                setattr(e, key, value)
            e.derive(self.lookups.mapping)
            try:  # region, park and grid come from the lookups: no query per row
                e.full_clean(
                    exclude=["region", "park", "grid", *bad],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    col = self._col(name) if name in C.BY_KEY else None
                    for message in messages:
                        self.result.error(n, col, message)
                continue
            if not ok:
                continue
            if old is None:
                if not reaches(self.grants, Enterprise.scope_roles["create"], e):
                    self.result.error(n, self._col("region"), "超出您的管辖范围")
                    continue
            else:
                if not reached_before or not reaches(self.grants, regulate, e):
                    self.result.error(n, 0, "该企业不在您的管辖范围内")
                    continue
            changes = self._diff(before, e)
            current = current_managers.get(e.pk, []) if old is not None else []
            masked = managers_.unmask(managers, current)
            for message in masked:
                self.result.error(n, self._col(MANAGERS), message)
            if masked:
                continue
            before_managers = {row.pk: row.values for row in current}
            plan = managers_.pair(current, managers, SafetyManager)
            if plan is not None:
                manager_plans.append((e, plan, before_managers))
            if old is None:
                creates.append((e, changes))
            elif changes or plan is not None:
                e.version += 1
                updates.append((e, changes))
            else:
                self.result.unchanged += 1
            if licence.get("licence_number"):
                licences.append((e, licence))
        if not self.apply or self.result.error_count:
            self.result.created += len(creates)
            self.result.updated += len(updates)
            return
        self._write(creates, updates, licences, audits)
        self._managers(manager_plans)

    def _diff(self, before: dict | None, e: Enterprise) -> dict:
        """Changed fields as the audit log records them; `before` None for a new record."""
        changes = {}
        for f in FIELDS:
            field = Enterprise._meta.get_field(f)
            new = _plain(getattr(e, field.name))
            if before is None:
                if new not in (None, "", False):
                    changes[field.attname] = [None, _key(new)]
            elif new != before[f]:
                changes[field.attname] = [_key(before[f]), _key(new)]
        return changes

    def _write(self, creates, updates, licences, audits) -> None:
        context = current()
        now = timezone.now()

        def entry(obj, verb, changes, model=Enterprise):
            return AuditEntry(
                actor=self.actor,
                actor_label=self.actor.get_username()[:150],
                action=f"enterprises.{model._meta.model_name}.{verb}",
                content_type_id=self.type_ids[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                region_code=obj.region_code,
                changes=changes,
                request_id=context.request_id,
                ip=context.ip,
                at=now,
            )

        self._entry = entry
        copy_insert(Enterprise, [e for e, _ in creates], with_ids=True)
        audits += [entry(e, "import", changes) for e, changes in creates]
        if updates:
            audited = [(e, changes) for e, changes in updates if changes]
            fields = {f for _, changes in updates for f in changes} | {"version"}
            names = [Enterprise._meta.get_field(f.removesuffix("_id")).name for f in fields]
            names += ["sector", "region_code", "pinyin_initials"]
            Enterprise.objects.bulk_update([e for e, _ in updates], sorted(set(names)))
            audits += [entry(e, "import", changes) for e, changes in audited]
        self.result.created += len(creates)
        self.result.updated += len(updates)
        self._licences(licences, audits, entry)
        copy_insert(AuditEntry, audits)

    def _licences(self, licences, audits, entry) -> None:
        if not licences:
            return
        ids = [e.pk for e, _ in licences]
        current_ = {
            (lic.enterprise_id, lic.number): lic
            for lic in Licence.objects.filter(
                enterprise_id__in=ids, kind=LicenceKind.SAFETY_PRODUCTION
            )
        }
        new, changed = [], []
        for e, data in licences:
            values = {
                "authority": data["licence_authority"],
                "valid_from": data["licence_from"],
                "valid_to": data["licence_to"],
            }
            lic = current_.get((e.pk, data["licence_number"]))
            if lic is None:
                lic = Licence(
                    enterprise=e,
                    kind=LicenceKind.SAFETY_PRODUCTION,
                    number=data["licence_number"],
                    **values,
                )
                new.append(lic)
                continue
            diff = {
                k: [_key(getattr(lic, k)), _key(v)]
                for k, v in values.items()
                if getattr(lic, k) != v
            }
            if diff:
                for k, v in values.items():
                    setattr(lic, k, v)
                lic.version += 1  # an import is a change like any other
                changed.append((lic, diff))
        copy_insert(Licence, new, with_ids=True)
        if changed:
            Licence.objects.bulk_update(
                [lic for lic, _ in changed], ["authority", "valid_from", "valid_to", "version"]
            )
        for lic in new:
            audits.append(entry(lic, "import", {"number": [None, lic.number]}, Licence))
        audits += [entry(lic, "import", diff, Licence) for lic, diff in changed]

    def _managers(self, plans) -> None:
        """Write the safety-manager lists that changed: new rows, rewritten rows, removed
        rows (kept, marked removed), each audited like a save."""
        now = timezone.now()
        new, changed, moved, removed, audits = [], [], [], [], []
        masked = SafetyManager.audit_masked
        for e, (rows, gone), before in plans:
            for row in rows:
                row.enterprise = e
                old = before.get(row.pk)
                after = dict(zip(managers_.FIELDS, row.values, strict=True))
                if row.pk is None:
                    new.append(row)
                    continue
                diff = {
                    name: ["***", "***"] if name in masked else [_key(a), _key(after[name])]
                    for name, a in zip(managers_.FIELDS, old, strict=True)
                    if a != after[name]
                }
                (changed if diff else moved).append(row)
                if diff:
                    audits.append(self._entry(row, "import", diff, SafetyManager))
            for row in gone:
                row.removed_at = now
                removed.append(row)
                audits.append(
                    self._entry(row, "remove", {"removed_at": [None, now]}, SafetyManager)
                )
        copy_insert(SafetyManager, new, with_ids=True)
        for row in new:
            values = dict(zip(managers_.FIELDS, row.values, strict=True))
            diff = {
                name: [None, "***" if name in masked else _key(value)]
                for name, value in values.items()
                if value not in (None, "")
            }
            audits.append(self._entry(row, "import", diff, SafetyManager))
        SafetyManager.objects.bulk_update(
            changed + moved, ["position", *managers_.FIELDS], batch_size=1000
        )
        SafetyManager.objects.bulk_update(removed, ["removed_at"], batch_size=1000)
        copy_insert(AuditEntry, audits)


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _key(value):
    return value.isoformat() if isinstance(value, date) else value


C.BY_KEY = {c.key: c for c in C.COLUMNS}


def run_batch(batch: ImportBatch, *, apply: bool) -> ImportBatch:
    """Run the check (apply=False) or the import (apply=True) of a batch that
    `services.start_batch` moved to checking or importing, and record the outcome
    (`services.finish_batch`, as the system). An import writes its rows and ends the batch
    in one transaction: a process killed half-way leaves nothing written and the batch
    importing, which the stalled-work recovery (core/stalled.py) marks interrupted."""
    with transaction.atomic() if apply else nullcontext():
        return _run_batch(batch, apply=apply)


def _run_batch(batch: ImportBatch, *, apply: bool) -> ImportBatch:
    # Progress goes through its own connection, so that it shows while the import's
    # transaction is still open.
    progress_db = connections.create_connection(DEFAULT_DB_ALIAS)

    def progress(done, total):
        with progress_db.cursor() as cursor:
            cursor.execute(
                "UPDATE enterprises_importbatch SET processed_rows = %s, total_rows = %s "
                "WHERE id = %s",
                [done, total, batch.pk],
            )

    failed = False
    outcome: dict = {}
    try:
        # The stored file, read through the storage API (a bucket has no local path).
        with local_copy(batch.file.storage, batch.file.name, suffix=".xlsx") as path:
            check_file(batch.original_name, path)
            with transaction.atomic():  # an error rolls back to here, the outcome is still saved
                result = Importer(actor=batch.created_by, apply=apply, progress=progress).run(path)
    except FileRefused as refused:
        failed = True
        outcome = {"message": str(refused), "errors": [[0, "", "", str(refused)]]}
    except Exception as error:  # a file openpyxl cannot read at all
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        failed = True
        message = "无法读取此文件：文件已损坏或不是有效的 Excel 工作簿"
        outcome = {"message": message, "errors": [[0, "", "", message]]}
    else:
        outcome = {
            "total_rows": result.total,
            "processed_rows": result.total,
            "created_count": result.created,
            "updated_count": result.updated,
            "unchanged_count": result.unchanged,
            "errors": result.errors,
            "error_count": result.error_count,
        }
        # A check lists the errors and stays checked; an import with errors writes nothing.
        failed = bool(apply and result.error_count)
        if failed:
            outcome["message"] = "发现错误，未导入任何数据"
        elif apply and result.created + result.updated >= analyse_rows():
            bulk.analyse_after_commit(Enterprise, Licence, SafetyManager)
    finally:
        progress_db.close()
    if "errors" in outcome and "error_count" not in outcome:
        outcome["error_count"] = 1
    move = "fail" if failed else "applied" if apply else "checked"
    return services.finish_batch(actor=None, batch=batch, move=move, outcome=outcome)

"""Importing emergency resources from a spreadsheet with the ledger's rules: the template's
columns, the file checks and header checks of core.bulk, the ledger's cell readers (full-width
to half-width, formulas refused), every error listed by row and column, and all rows or none.

A check (dry run) runs the same import and rolls it back. Each row goes through the same
services as the screens (`create_resource`, `update_resource`), so the scope rules hold: a
county imports only resources it may change. A row with an `编号` updates that resource (as
exported); without one it creates a resource. Sheets of resources are small (a city has
thousands), so the import runs in the request, capped at MAX_ROWS rows."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from safeloop.core import bulk
from safeloop.core.errors import Invalid, NotFound, NotPermitted, OutOfScope
from safeloop.emergency import services
from safeloop.emergency.choices import Availability, ResourceKind, TeamKind
from safeloop.emergency.models import Resource
from safeloop.enterprises import columns as cells
from safeloop.enterprises.models import Enterprise
from safeloop.enterprises.sheet_reader import open_sheet
from safeloop.orgs.models import Region

SHEET = "应急资源"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, int, float, choice, region, enterprise, id


COLUMNS = [
    Column("id", "编号", kind="id"),
    Column("kind", "资源类型", True, "choice"),
    Column("name", "名称", True),
    Column("region", "所属区域", kind="region"),
    Column("enterprise", "所属企业统一社会信用代码", kind="enterprise"),
    Column("team_kind", "队伍类别", kind="choice"),
    Column("specialities", "专业"),
    Column("headcount", "人数", kind="int"),
    Column("leader", "负责人"),
    Column("duty_phone", "值班电话", kind="code"),
    Column("identifier", "车牌或呼号"),
    Column("address", "地址"),
    Column("latitude", "纬度（WGS-84）", True, "float"),
    Column("longitude", "经度（WGS-84）", True, "float"),
    Column("availability", "可用状态", kind="choice"),
    Column("note", "备注"),
]
HEADERS = [c.header for c in COLUMNS]
COL = {c.key: i for i, c in enumerate(COLUMNS)}
CHOICES = {"kind": ResourceKind, "team_kind": TeamKind, "availability": Availability}


def labels(choices) -> dict[str, str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: bulk.RowErrors = field(default_factory=lambda: bulk.RowErrors(HEADERS))

    @property
    def error_count(self) -> int:
        return self.errors.count


class Importer:
    def __init__(self, *, actor):
        self.actor = actor
        self.regions = {}
        for r in Region.objects.filter(level__in=["city", "county"]):
            self.regions[r.name] = self.regions[r.code] = r
        self.choices = {}
        for key, choices in CHOICES.items():
            by = {str(v): str(v) for v in choices.values}
            by.update({label: value for value, label in labels(choices).items()})
            self.choices[key] = by
        self.result = Result()

    def run(self, path, *, apply: bool) -> Result:
        with open_sheet(path, SHEET, len(COLUMNS) + 20, in_child=False) as (_size, rows):
            positions = bulk.header_positions(next(rows, None), COLUMNS, cells.normalise)
            with transaction.atomic():
                for n, raw in enumerate(rows, start=2):
                    if n - 1 > MAX_ROWS:
                        raise bulk.FileRefused(f"超过 {MAX_ROWS:,} 行，请拆分后分批导入")
                    if raw is None or all(v is None or v == "" for v in raw):
                        continue
                    values = [raw[p] if 0 <= p < len(raw) else None for p in positions]
                    self.result.total += 1
                    self._row(n, values)
                if not apply or self.result.error_count:
                    transaction.set_rollback(True)
        return self.result

    def _row(self, n: int, values: list) -> None:
        data, ok = {}, True
        for i, (column, raw) in enumerate(zip(COLUMNS, values, strict=True)):
            try:
                value = self._convert(column, cells.normalise(raw))
            except cells.CellError as error:
                self.result.errors.add(n, i, error)
                ok = False
                continue
            if column.required and value in (None, ""):
                self.result.errors.add(n, i, "必填")
                ok = False
            data[column.key] = value
        if not ok:
            return
        pk = data.pop("id")
        if data["region"] is None and data["enterprise"] is None:
            self.result.errors.add(n, COL["region"], "所属区域与所属企业至少填写一项")
            return
        for key, default in (("team_kind", ""), ("availability", Availability.AVAILABLE)):
            if data[key] is None:
                if pk is None:
                    data[key] = default
                else:  # left blank on an update: kept as it is
                    data.pop(key)
        try:
            with transaction.atomic():
                if pk is None:
                    services.create_resource(actor=self.actor, **data)
                    self.result.created += 1
                else:
                    current = Resource.objects.filter(pk=pk).values_list("version", flat=True)
                    services.update_resource(
                        actor=self.actor,
                        resource=Resource(pk=pk),
                        version=current.first() or 0,
                        **data,
                    )
                    self.result.updated += 1
        except Invalid as error:
            for name, messages in error.fields().items():
                for message in messages:
                    self.result.errors.add(n, COL.get(name), message)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.result.errors.add(n, COL.get(name), message)
        except (NotFound, OutOfScope):
            self.result.errors.add(n, COL["id"], f"找不到编号为 {pk} 的资源，或不在您的管辖范围内")
        except NotPermitted:
            self.result.errors.add(n, COL["id"], "无权修改此资源")

    def _convert(self, column: Column, value):
        kind = column.kind
        if kind == "text":
            return cells.to_text(value)
        if kind == "code":
            return cells.to_code(value)
        if kind == "int":
            return cells.to_int(value) if value is not None else None
        if kind == "float":
            number = cells.to_decimal(value)
            return None if number is None else float(number)
        if value is None:
            return None
        if kind == "id":
            number = cells.to_int(value)
            if number <= 0:
                raise cells.CellError("编号应为正整数")
            return number
        if kind == "choice":
            found = self.choices[column.key].get(str(value))
            if found is None:
                raise cells.CellError(f"“{value}”不是可选值")
            return found
        if kind == "region":
            region = self.regions.get(cells.to_code(value)) or self.regions.get(str(value))
            if region is None:
                raise cells.CellError(f"找不到区域“{value}”")
            return region
        # enterprise by its USCC, among those the importer may change
        uscc = cells.to_code(value).upper()
        enterprise = Enterprise.objects.for_user(self.actor, "change").filter(uscc=uscc).first()
        if enterprise is None:
            raise cells.CellError(f"找不到统一社会信用代码为“{uscc}”的企业，或不在您的管辖范围内")
        return enterprise


def row_of(resource: Resource, phone: str) -> list:
    """One exported row, in the import's columns, so an export imports back."""
    kinds, teams, states = (labels(c) for c in CHOICES.values())
    return [
        resource.pk,
        kinds.get(resource.kind, resource.kind),
        resource.name,
        resource.region.name,
        resource.enterprise.uscc if resource.enterprise_id else "",
        teams.get(resource.team_kind, ""),
        resource.specialities,
        resource.headcount,
        resource.leader,
        phone,
        resource.identifier,
        resource.address,
        resource.latitude,
        resource.longitude,
        states.get(resource.availability, resource.availability),
        resource.note,
    ]


def template():
    """The import template: the headers (required ones marked) and a sheet of allowed
    values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
    help_ws = wb.create_sheet("填写说明")
    for line in [
        "每行一项应急资源；不要修改表头；黄色列为必填；“所属区域”与“所属企业统一社会信用代码”至少填一项。",
        "“编号”留空为新增；填写导出文件中的编号则更新该资源。",
        "坐标使用 WGS-84；不要填写公式。先“检查”列出全部错误，再“导入”：有任何错误则一行也不导入。",
        "资源类型：" + "、".join(labels(ResourceKind).values()),
        "队伍类别：" + "、".join(labels(TeamKind).values()),
        "可用状态：" + "、".join(labels(Availability).values()),
    ]:
        help_ws.append([line])
    return wb


def run(actor, upload, *, apply: bool) -> dict:
    """Check or import an uploaded file; the outcome as the screen and the API show it.
    Raises bulk.FileRefused for a file that cannot be read at all."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        bulk.check_file(
            upload.name, tmp.name, max_bytes=MAX_BYTES, limits=bulk.XlsxLimits(max_rows=MAX_ROWS)
        )
        try:
            result = Importer(actor=actor).run(tmp.name, apply=apply)
        except bulk.FileRefused:
            raise
        except Exception as error:  # a file openpyxl cannot read at all
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            raise bulk.FileRefused("无法读取此文件：文件已损坏或不是有效的 Excel 工作簿") from error
    failed = bool(result.error_count)
    return {
        "applied": apply and not failed,
        "total_rows": result.total,
        "created_count": 0 if failed or not apply else result.created,
        "updated_count": 0 if failed or not apply else result.updated,
        "would_create": result.created,
        "would_update": result.updated,
        "error_count": result.error_count,
        "errors": result.errors.rows,
    }

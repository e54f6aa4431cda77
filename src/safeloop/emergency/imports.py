"""Importing emergency resources from a spreadsheet with the ledger's rules: the template's
columns, the file checks and header checks of core.bulk, the ledger's cell readers (full-width
to half-width, formulas refused), every error listed by row and column, and all rows or none.

A check (dry run) runs the same import and rolls it back. Each row goes through the same
services as the screens (`create_resource`, `update_resource`), so the scope rules hold: a
county imports only resources it may change. A row with an `编号` updates that resource (as
exported); without one it creates a resource. Sheets of resources are small (a city has
thousands), so the import runs in the request, capped at MAX_ROWS rows.

The same workbook may hold a second sheet, 库存物资 (stocks): one row per catalogue type kept in
a warehouse, named by the warehouse's 编号 (so warehouses are imported first, then their
stocks). Its rows go through `add_stock` / `update_stock`, in the same all-or-nothing
transaction, and its errors are listed with the sheet's name before the column's."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from safeloop.core import bulk
from safeloop.core.errors import Invalid, NotFound, NotPermitted, OutOfScope
from safeloop.emergency import services
from safeloop.emergency.choices import Availability, ResourceKind, TeamKind
from safeloop.emergency.models import Resource, Stock, StockType
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

STOCK_SHEET = "库存物资"
STOCK_COLUMNS = [
    Column("id", "编号", kind="id"),
    Column("warehouse", "仓库编号", True, "id"),
    Column("stock_type", "物资类型", True, "stock_type"),
    Column("quantity", "数量", True, "decimal"),
    Column("unit", "单位"),
    Column("expires_on", "有效期至", kind="date"),
    Column("owner", "所有者"),
]
STOCK_HEADERS = [c.header for c in STOCK_COLUMNS]
STOCK_COL = {c.key: i for i, c in enumerate(STOCK_COLUMNS)}


def labels(choices) -> dict[str, str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    stock_rows: int = 0
    stocks_created: int = 0
    stocks_updated: int = 0
    errors: bulk.RowErrors = field(default_factory=lambda: bulk.RowErrors(HEADERS))
    stock_errors: bulk.RowErrors = field(
        default_factory=lambda: bulk.RowErrors([f"{STOCK_SHEET}：{h}" for h in STOCK_HEADERS])
    )

    @property
    def error_count(self) -> int:
        return self.errors.count + self.stock_errors.count

    @property
    def error_rows(self) -> list:
        return self.errors.rows + self.stock_errors.rows


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
        self.stock_types = {}
        for t in StockType.objects.all():
            self.stock_types[t.code] = self.stock_types[t.name] = t
        self.result = Result()

    def run(self, path, *, apply: bool) -> Result:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        has_stocks = STOCK_SHEET in workbook.sheetnames
        workbook.close()
        with transaction.atomic():
            for n, values in self._rows(path, SHEET, COLUMNS):
                self.result.total += 1
                self._row(n, values)
            if has_stocks:
                for n, values in self._rows(path, STOCK_SHEET, STOCK_COLUMNS):
                    self.result.stock_rows += 1
                    self._stock_row(n, values)
            if not apply or self.result.error_count:
                transaction.set_rollback(True)
        return self.result

    def _rows(self, path, sheet: str, columns):
        """(row number, values in the columns' order) of the sheet's non-empty rows."""
        with open_sheet(path, sheet, len(columns) + 20, in_child=False) as (_size, rows):
            positions = bulk.header_positions(next(rows, None), columns, cells.normalise)
            for n, raw in enumerate(rows, start=2):
                if n - 1 > MAX_ROWS:
                    raise bulk.FileRefused(f"{sheet}超过 {MAX_ROWS:,} 行，请拆分后分批导入")
                if raw is None or all(v is None or v == "" for v in raw):
                    continue
                yield n, [raw[p] if 0 <= p < len(raw) else None for p in positions]

    def _stock_row(self, n: int, values: list) -> None:
        errors = self.result.stock_errors
        data, ok = {}, True
        for i, (column, raw) in enumerate(zip(STOCK_COLUMNS, values, strict=True)):
            try:
                value = self._convert(column, cells.normalise(raw))
            except cells.CellError as error:
                errors.add(n, i, error)
                ok = False
                continue
            if column.required and value in (None, ""):
                errors.add(n, i, "必填")
                ok = False
            data[column.key] = value
        if not ok:
            return
        pk, warehouse = data.pop("id"), data.pop("warehouse")
        data["unit"] = data["unit"] or ""
        data["owner"] = data["owner"] or ""
        try:
            with transaction.atomic():
                if pk is None:
                    services.add_stock(actor=self.actor, warehouse=Resource(pk=warehouse), **data)
                    self.result.stocks_created += 1
                else:
                    current = Stock.objects.filter(pk=pk, warehouse_id=warehouse)
                    version = current.values_list("version", flat=True).first()
                    if version is None:
                        raise NotFound()
                    services.update_stock(
                        actor=self.actor, stock=Stock(pk=pk), version=version, **data
                    )
                    self.result.stocks_updated += 1
        except Invalid as error:
            for name, messages in error.fields().items():
                for message in messages:
                    errors.add(n, STOCK_COL.get(name), message)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    errors.add(n, STOCK_COL.get(name), message)
        except (NotFound, OutOfScope):
            where = "库存" if pk else "仓库"
            column = STOCK_COL["id"] if pk else STOCK_COL["warehouse"]
            errors.add(n, column, f"找不到该编号的{where}，或不在您的管辖范围内")
        except NotPermitted:
            errors.add(n, STOCK_COL["warehouse"], "无权修改此仓库的库存")

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
        if kind == "decimal":
            return cells.to_decimal(value)
        if kind == "date":
            return cells.to_date(value)
        if value is None:
            return None
        if kind == "stock_type":
            found = self.stock_types.get(cells.to_text(value))
            if found is None:
                raise cells.CellError(f"物资目录中没有“{value}”")
            return found
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


def stock_row_of(stock: Stock) -> list:
    """One exported stock row, in the stock sheet's columns."""
    return [
        stock.pk,
        stock.warehouse_id,
        stock.stock_type.name,
        stock.quantity,
        stock.unit,
        stock.expires_on,
        stock.owner,
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
        f"“{STOCK_SHEET}”表（可选）：每行一种物资；“仓库编号”为已导入仓库的编号（先导入仓库，再导入库存）；"
        "“物资类型”填写物资目录中的名称或代码；“编号”留空为新增，填写则更新。",
        "物资目录：" + "、".join(StockType.objects.order_by("code").values_list("name", flat=True)),
    ]:
        help_ws.append([line])
    stocks = wb.create_sheet(STOCK_SHEET, 1)
    stocks.append(STOCK_HEADERS)
    for i, column in enumerate(STOCK_COLUMNS, start=1):
        cell = stocks.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
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
        "stock_rows": result.stock_rows,
        "stocks_created": 0 if failed or not apply else result.stocks_created,
        "stocks_updated": 0 if failed or not apply else result.stocks_updated,
        "would_create_stocks": result.stocks_created,
        "would_update_stocks": result.stocks_updated,
        "error_count": result.error_count,
        "errors": result.error_rows,
    }

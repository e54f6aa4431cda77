"""Writing ledger spreadsheets: the import template, the export of a filtered list and the
error report of an import."""

from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from safeloop.core.bulk import error_workbook
from safeloop.core.documents import neutralise
from safeloop.enterprises import columns as C
from safeloop.enterprises.choices import LicenceKind
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager, mask
from safeloop.orgs.models import GridCell, Park, Region

BOLD = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def _counties(user) -> list[str]:
    """The counties of the importer's scope: those of its region grants, and for a park
    officer or grid inspector the county of its park or grid cell."""
    codes = set(
        GridCell.objects.for_user(user, "view").values_list("region_code", flat=True)
    ) | set(Park.objects.for_user(user, "view").values_list("region_code", flat=True))
    visible = Region.objects.for_user(user, "view").values("pk")
    counties = Region.objects.filter(level="county").filter(Q(pk__in=visible) | Q(code__in=codes))
    return [r.name for r in counties.order_by("code")]


def template(user) -> Workbook:
    """The import template: headers, dropdowns fed from an options sheet, and instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = C.SHEET
    ws.append(C.HEADERS)
    for i, column in enumerate(C.COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = BOLD
        if column.required:
            cell.fill = REQUIRED_FILL
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(column.header) * 2 + 2)
    ws.freeze_panes = "B2"

    options = wb.create_sheet(C.OPTIONS_SHEET)
    lists = {
        # only what the importer's scope holds: another city's counties and parks are
        # neither offered nor revealed
        "region": _counties(user),
        "park": [
            p.name for p in Park.objects.for_user(user, "view").order_by("region_code", "name")
        ],
        "bool": [C.YES, C.NO],
    }
    for column in C.COLUMNS:
        if column.choices:
            lists[column.key] = list(C.choice_maps(column.choices)[1].values())
    refs = {}
    for j, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(j)
        options.cell(row=1, column=j, value=key)
        for k, value in enumerate(values, start=2):
            options.cell(row=k, column=j, value=value)
        last = max(2, len(values) + 1)
        refs[key] = f"{quote_sheetname(C.OPTIONS_SHEET)}!${letter}$2:${letter}${last}"
    options.sheet_state = "hidden"
    for i, column in enumerate(C.COLUMNS, start=1):
        key = column.key if column.key in refs else column.kind if column.kind == "bool" else None
        if key is None:
            continue
        dv = DataValidation(
            type="list",
            formula1=refs[key],
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle="无效的值",
            error="请从下拉列表中选择",
        )
        letter = get_column_letter(i)
        dv.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(dv)

    help_ws = wb.create_sheet(C.HELP_SHEET)
    help_ws.append(["企业台账导入说明"])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in [
        "1. 在“企业台账”工作表中每行填写一家企业，不要修改、合并或删除表头；黄色列为必填。",
        "2. 按统一社会信用代码新增或更新：代码已存在的企业按本表更新，同一文件重复导入不会产生变化。",  # noqa: E501
        "3. 日期写成 2027-12-31；不要填写公式；数字和字母可以是全角，首尾空格会被去除。",
        "4. 上传后先检查：会列出每一行、每一列的全部错误；"
        "确认后全部导入，有任何错误则一行也不导入。",
        "5. 坐标使用 WGS-84；国内网络地图（高德、腾讯、百度）取得的坐标须先转换。",
        "",
    ]:
        help_ws.append([line])
    help_ws.append(["列", "必填", "说明", "示例"])
    for cell in help_ws[help_ws.max_row]:
        cell.font = BOLD
    for column in C.COLUMNS:
        help_ws.append(
            [column.header, "是" if column.required else "", column.help, column.example]
        )
    help_ws.column_dimensions["A"].width = 22
    help_ws.column_dimensions["C"].width = 60
    help_ws.column_dimensions["D"].width = 24
    for row in help_ws.iter_rows(min_row=2, max_row=6):
        row[0].alignment = Alignment(wrap_text=False)
    return wb


def _row(e, labels, licence) -> list:
    values = []
    for column in C.COLUMNS:
        key = column.key
        if key in C.LICENCE_KEYS:
            attr = {
                "licence_number": "number",
                "licence_authority": "authority",
                "licence_from": "valid_from",
                "licence_to": "valid_to",
            }[key]
            value = getattr(licence, attr) if licence else None
        elif key == "region":
            value = e.region.name
        elif key == "park":
            value = e.park.name if e.park_id else None
        elif key == "grid":
            value = e.grid.code if e.grid_id else None
        elif key == "safety_managers":
            value = C.from_managers(
                e.safety_managers.all() if e.reveal_ids else _masked(e.safety_managers.all())
            )
        elif key == "former_names":
            value = "；".join(e.former_names.splitlines())
        elif column.choices:
            value = labels[key].get(getattr(e, key), getattr(e, key))
        else:
            value = getattr(e, key)
        values.append(neutralise(C.display(value)))
    return values


def _masked(managers):
    for m in managers:
        yield SafetyManager(
            **{
                **{f: getattr(m, f) for f in m.VALUE_FIELDS},
                "certificate_number": mask(m.certificate_number),
            }
        )


def ledger_sheets(queryset, *, user=None):
    """The filtered enterprises in the import's own columns, `(filename, sheets)` for
    core.exports. Certificate numbers are written in full only where `user` may see ID
    numbers (all of them when no user is given: a system export); a masked one imported back
    stands for the number on record."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = _ledger_rows(queryset, user)
    return f"enterprise-ledger-{stamp}.xlsx", [(C.SHEET, C.HEADERS, rows)]


def _ledger_rows(queryset, user, chunk_size: int = 2000):
    labels = {c.key: C.choice_maps(c.choices)[1] for c in C.COLUMNS if c.choices}
    licences = Prefetch(
        "licences",
        queryset=Licence.objects.filter(kind=LicenceKind.SAFETY_PRODUCTION).order_by("-valid_to"),
        to_attr="safety_licences",
    )
    reveal = (
        Value(True)
        if user is None
        else Exists(Enterprise.objects.for_user(user, "see_ids").filter(pk=OuterRef("pk")))
    )
    found = (
        queryset.select_related("region", "park", "grid")
        .annotate(reveal_ids=reveal)
        .prefetch_related(licences, "safety_managers")
        .iterator(chunk_size=chunk_size)
    )
    for e in found:
        yield _row(e, labels, e.safety_licences[0] if e.safety_licences else None)


def error_report(batch) -> Workbook:
    return error_workbook(batch.errors, batch.error_count)

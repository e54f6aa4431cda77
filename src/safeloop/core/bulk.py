"""Many rows at once: writing them with PostgreSQL's COPY, and sizing up a spreadsheet
before reading it.

For imports of tens of thousands of rows: `bulk_create` compiles one INSERT of thousands of
placeholders per batch, which costs more Python time than reading the spreadsheet. COPY
streams the same values. Values are prepared exactly as a save would (`pre_save` for
auto_now fields, `get_db_prep_save` for every field), so the rows are the same rows; no
save signals are sent, as with `bulk_create` (`rows_copied` is, once per call). The caller
audits what it writes.

`analyse_after_commit` refreshes the planner's statistics of the tables a bulk write touched
once its transaction commits: until a table is analysed its new rows are guessed at, and
autovacuum may be off or behind after a large import.

`inspect_xlsx` looks inside an .xlsx without parsing it: the uncompressed size of its sheets
and shared strings, its real row count and its longest cell, streamed in small pieces so
memory stays flat whatever the file holds (a 214 KB file can unpack to a 200 MB cell).
Imports choose background or in-request work on these figures, never on the compressed
size, and `XlsxLimits.check` refuses a file past a limit with a Chinese message before
openpyxl reads a byte of it (`TooLarge`)."""

import re
import zipfile
from dataclasses import dataclass
from operator import attrgetter

from django.db import connection, models, transaction
from django.dispatch import Signal

# Sent after `copy_insert` with the model as sender and `count`: the rows skipped the save
# signals, so what follows a model's saves (a kept list, a tally) follows this too.
rows_copied = Signal()

# Fields whose saved value is the attribute itself: no preparation to call per row.
PLAIN = {
    models.AutoField, models.BigAutoField, models.BooleanField, models.CharField,
    models.TextField, models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.ForeignKey,
}  # fmt: skip


def _value_of(field):
    plain_date = type(field) is models.DateField and not (field.auto_now or field.auto_now_add)
    if type(field) in PLAIN or plain_date:
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def copy_insert(model, objs: list, *, with_ids: bool = False) -> None:
    """Insert `objs` (unsaved instances of `model`). With `with_ids`, primary keys are
    drawn from the table's sequence first and set on the instances, for rows that other
    rows or audit entries refer to."""
    if not objs:
        return
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if with_ids or f is not pk]
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
    values = [_value_of(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    rows_copied.send(sender=model, count=len(objs))


def analyse_after_commit(*tables) -> None:
    """ANALYZE `tables` (models or table names) once the current transaction commits, at
    once outside a transaction. A rolled-back write analyses nothing."""
    names = [t if isinstance(t, str) else t._meta.db_table for t in tables]
    statement = "ANALYZE " + ", ".join(connection.ops.quote_name(n) for n in names)

    def analyse():
        with connection.cursor() as cursor:
            cursor.execute(statement)

    transaction.on_commit(analyse)


# ---------------------------------------------------------------- spreadsheet imports
# What every spreadsheet import shares (the ledger's, the emergency resources'): the checks
# on the file as a whole, the header against the expected columns, and the list of errors
# by row and column. Messages are Chinese: they are read by the people who fill the sheets.

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 1024 * 1024 * 1024
ERROR_LIMIT = 20_000


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing is written."""


def check_file(name: str, path, *, max_bytes: int = MAX_BYTES, limits=None) -> None:
    """Refuse anything but a sound .xlsx of at most `max_bytes` (and a sane unzipped size);
    with `limits` (an `XlsxLimits`), also its cells, sheets and rows, measured by
    `inspect_xlsx` before openpyxl reads anything."""
    import os
    import zipfile

    if os.path.splitext(name or "")[1].lower() != ".xlsx":
        raise FileRefused("只接受 Excel 2007 及以上的 .xlsx 文件（请勿上传 .xls、.csv 或 .xlsm）")
    size = os.path.getsize(path)
    if size > max_bytes:
        raise FileRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB，请拆分后分批导入")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise FileRefused("文件内容不是 .xlsx 格式（可能是改了扩展名的其他文件）")
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise FileRefused("文件解压后过大，拒绝处理")
            if z.testzip() is not None:
                raise FileRefused("文件已损坏（压缩内容校验失败）")
        if limits is not None:
            limits.check(inspect_xlsx(path))
    except zipfile.BadZipFile:
        raise FileRefused("文件已损坏，无法打开（zip 结构错误）") from None
    except TooLarge as error:
        raise FileRefused(str(error)) from None


def header_positions(header, columns, normalise) -> list[int]:
    """Where each of `columns` (objects with `header` and `required`) is in the sheet's
    `header` row, -1 when absent; headers are compared after `normalise` (NFKC, trimmed).
    Refuses an empty header, blank or duplicate header cells, a missing required column and
    an unknown column, all named in one message."""
    from openpyxl.utils import get_column_letter

    if header is None:
        raise FileRefused("工作表为空，请使用下载的模板")
    cells = [normalise(h) if isinstance(h, str) else h for h in header]
    while cells and cells[-1] is None:
        cells.pop()
    problems = []
    for i, value in enumerate(cells):
        if value is None:
            problems.append(
                f"表头第 {get_column_letter(i + 1)} 列为空（表头不能有合并单元格或空列）"
            )
    names = [str(v) for v in cells if v is not None]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append("表头重复：" + "、".join(duplicates))
    known = {normalise(c.header): c for c in columns}
    missing = [c.header for h, c in known.items() if c.required and h not in names]
    if missing:
        problems.append("缺少必填列：" + "、".join(missing))
    unknown = [n for n in names if n not in known]
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown))
    if problems:
        raise FileRefused("；".join(problems) + "。请使用下载的模板。")
    index = {str(v): i for i, v in enumerate(cells) if v is not None}
    return [index.get(normalise(c.header), -1) for c in columns]


class RowErrors:
    """Every error of an import as [row, column letter, header, message]; the first
    `limit` are kept, all are counted."""

    def __init__(self, headers: list[str], limit: int = ERROR_LIMIT):
        self.headers, self.limit = headers, limit
        self.rows: list[list] = []
        self.count = 0

    def add(self, row: int, col: int | None, message) -> None:
        from openpyxl.utils import get_column_letter

        self.count += 1
        if len(self.rows) < self.limit:
            header = self.headers[col] if col is not None else ""
            letter = get_column_letter(col + 1) if col is not None else ""
            self.rows.append([row, letter, header, str(message)])


def error_workbook(errors: list, count: int):
    """The error report of an import: one line per error, guarded against formulas."""
    from openpyxl import Workbook

    from safeloop.core.documents import neutralise

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.append(["行", "列", "列名", "错误"])
    for row, letter, header, message in errors:
        ws.append([row or "", letter, header, neutralise(message)])
    if count > len(errors):
        ws.append(["", "", "", f"另有 {count - len(errors)} 个错误未列出"])
    return wb


# Excel's own limit for one cell is 32,767 characters; in the file's XML one character takes
# at most a few bytes (UTF-8, or an entity such as &amp;), so a run of text past this many
# bytes between two tags is a cell no spreadsheet program wrote.
MAX_CELL_CHARS = 32_767
MAX_CELL_BYTES = MAX_CELL_CHARS * 6
PIECE = 1024 * 1024
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
TEXT_PARTS = {"xl/sharedStrings.xml"}


class TooLarge(Exception):
    """The spreadsheet passes a limit; the message (Chinese) says which."""


@dataclass
class XlsxShape:
    uncompressed: int = 0  # bytes of the sheets and the shared strings, unpacked
    shared_strings: int = 0  # bytes of the shared strings alone (read whole by openpyxl)
    rows: int = 0  # <row> elements over every sheet
    longest_text: int = 0  # bytes of the longest run of text between two tags


@dataclass(frozen=True)
class XlsxLimits:
    max_rows: int
    max_sheet_bytes: int = 1024 * 1024 * 1024
    max_shared_strings_bytes: int = 128 * 1024 * 1024
    max_cell_bytes: int = MAX_CELL_BYTES

    def check(self, shape: XlsxShape) -> None:
        if shape.longest_text > self.max_cell_bytes:
            raise TooLarge(f"有单元格内容过长（超过 {MAX_CELL_CHARS} 个字符，Excel 单元格的上限）")
        if shape.uncompressed > self.max_sheet_bytes:
            mb = self.max_sheet_bytes // (1024 * 1024)
            raise TooLarge(f"工作表解压后超过 {mb} MB，请拆分后分批导入")
        if shape.shared_strings > self.max_shared_strings_bytes:
            mb = self.max_shared_strings_bytes // (1024 * 1024)
            raise TooLarge(f"文件中的文字内容解压后超过 {mb} MB，请拆分后分批导入")
        if shape.rows > self.max_rows + 1:  # the header row is not a data row
            raise TooLarge(f"超过 {self.max_rows} 行，请拆分后分批导入")


def inspect_xlsx(file, *, stop_after: int | None = None) -> XlsxShape:
    """The shape of the .xlsx at `file` (a path or a seekable binary file, left where it
    was). Stops counting once `stop_after` unpacked bytes were read (the shape then says at
    least that much). Raises zipfile.BadZipFile for a file that is no zip."""
    shape = XlsxShape()
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with zipfile.ZipFile(file) as z:
            for info in z.infolist():
                if not (SHEET_PART.match(info.filename) or info.filename in TEXT_PARTS):
                    continue
                _scan(z, info, shape, stop_after)
                if stop_after is not None and shape.uncompressed > stop_after:
                    break
    finally:
        if position is not None:
            file.seek(position)
    return shape


def _scan(z: zipfile.ZipFile, info: zipfile.ZipInfo, shape: XlsxShape, stop_after) -> None:
    """One part, piece by piece. A run is the bytes between one "<" and the next: a tag's
    inside plus the text after it, so a cell's text is at most its run."""
    run = 0  # the run still open at the end of the previous piece
    tail = b""  # the end of the previous piece, so a "<row" split in two still counts
    with z.open(info) as part:
        while piece := part.read(PIECE):
            shape.uncompressed += len(piece)
            if info.filename in TEXT_PARTS:
                shape.shared_strings += len(piece)
            else:
                both = tail + piece
                shape.rows += both.count(b"<row ") + both.count(b"<row>")
                tail = piece[-4:]
            runs = piece.split(b"<")  # in C: cheap even for millions of cells
            if len(runs) == 1:
                run += len(piece)
            else:
                inner = max(map(len, runs[1:-1]), default=0)
                shape.longest_text = max(shape.longest_text, run + len(runs[0]), inner)
                run = len(runs[-1])
            shape.longest_text = max(shape.longest_text, run)
            if stop_after is not None and shape.uncompressed > stop_after:
                return

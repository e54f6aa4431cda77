"""Many rows at once: writing them with PostgreSQL's COPY, and sizing up a spreadsheet
before reading it.

For imports of tens of thousands of rows: `bulk_create` compiles one INSERT of thousands of
placeholders per batch, which costs more Python time than reading the spreadsheet. COPY
streams the same values. Values are prepared exactly as a save would (`pre_save` for
auto_now fields, `get_db_prep_save` for every field), so the rows are the same rows; no
signals are sent, as with `bulk_create`. The caller audits what it writes.

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

from django.db import connection, models

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

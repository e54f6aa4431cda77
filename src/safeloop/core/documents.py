"""Documents every app hands out: Excel workbooks and PDFs in Chinese.

- `neutralise` is the one guard every text cell passes: control characters a workbook cannot
  hold (stored before input refused them, `core.text`) are dropped, and text that a
  spreadsheet would run as a formula (it starts with = + - @ tab or CR, also after leading
  spaces) is written with a leading apostrophe. Real numbers, dates and booleans stay what
  they are.
- `safe_cell` is what a cell of an export holds (None → "", aware datetimes in local time,
  then the guard); `workbook_response` streams a workbook of (title, header, rows) sheets
  and `xlsx_response` answers a workbook an app built itself; `write_workbook` writes the
  same sheets to a file (the worker's large exports, `core.exports`). `workbook_response` closes
  each sheet's rows when it stops, also on an error, so a server-side cursor behind them is
  never left open.
- `FONT` is the CJK font shipped in core/fonts; `CjkPdf` is an A4 PDF with it registered as
  "cjk"; `RedHeadDocument` adds the 红头 of an official document (issuer in red over a red
  rule, title, number), indented paragraphs and the signature with its Chinese date;
  `chinese_date` writes 2026年12月4日.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from fpdf import FPDF
from fpdf.enums import WrapMode
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FONT = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.otf"
RED = (200, 16, 46)

Sheet = tuple[str, Sequence[Any], Iterable[Sequence[Any]]]


def neutralise(value: Any) -> Any:
    """`value`, except that text a spreadsheet would read as a formula gets a leading
    apostrophe, and control characters a workbook cannot hold are dropped. Only text is
    touched: a number, even a negative one, stays a number."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """What an export writes for `value`: numbers and dates as themselves, aware datetimes
    in local time (a spreadsheet has no zones), None as empty text, anything else as guarded
    text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (opened from a record's page), saved under `filename`."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    return response


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    """An attachment response holding `workbook`."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def write_workbook(sheets: Iterable[Sheet], target) -> int:
    """Write (title, header, rows) sheets to `target` (a path or a binary file) in
    openpyxl's write-only mode, so a long list streams row by row; the number of data rows."""
    book = Workbook(write_only=True)
    written = 0
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=str(safe_cell(title))[:31] or "Sheet")
        sheet.append([safe_cell(h) for h in header])
        with closing_rows(rows) as each:
            for row in each:
                sheet.append([safe_cell(v) for v in row])
                written += 1
    book.save(target)
    return written


def workbook_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """sheets: (title, header, rows) each; rows is any iterable of sequences."""
    buffer = BytesIO()
    write_workbook(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@contextmanager
def closing_rows(rows: Iterable[Any]) -> Iterator[Iterator[Any]]:
    """An iterator over `rows` that is closed however the loop ends: a generator over a
    queryset's `.iterator()` then closes its server-side cursor at once."""
    each = iter(rows)
    try:
        yield each
    finally:
        for it in (each, rows):
            close = getattr(it, "close", None)
            if callable(close):
                close()


def chinese_date(day: date | datetime) -> str:
    """2026年12月4日 (an aware datetime is taken on its local day)."""
    if isinstance(day, datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.year}年{day.month}月{day.day}日"


class CjkPdf(FPDF):
    """An A4 PDF with the shipped Chinese font embedded under the name "cjk"."""

    def __init__(
        self, *, margins: tuple[float, float, float] = (15, 15, 15), bottom: float = 15
    ) -> None:
        super().__init__(format="A4")
        self.add_font("cjk", fname=str(FONT))
        self.set_margins(*margins)
        self.set_auto_page_break(auto=True, margin=bottom)


class RedHeadDocument(CjkPdf):
    """An official document (公文): the issuer in red over a red rule, then the title and the
    document number, indented paragraphs and the signature with its Chinese date."""

    def __init__(self, issuer: str, title: str, number: str) -> None:
        super().__init__(margins=(28, 30, 26), bottom=25)
        self.add_page()
        self.set_text_color(*RED)
        self.set_font("cjk", size=24)
        self.cell(0, 14, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*RED)
        self.set_line_width(0.8)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.ln(8)
        self.set_text_color(0, 0, 0)
        self.set_font("cjk", size=20)
        self.cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=13)
        self.cell(0, 9, number, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def paragraph(self, text: str, indent: bool = True) -> None:
        self.set_font("cjk", size=14)
        # Chinese wraps at any character, not at spaces.
        self.multi_cell(
            0,
            9,
            ("　　" if indent else "") + text,
            new_x="LMARGIN",
            new_y="NEXT",
            wrapmode=WrapMode.CHAR,
        )

    def signature(self, issuer: str, day: date | datetime) -> None:
        self.ln(14)
        self.set_font("cjk", size=14)
        self.cell(0, 9, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 9, chinese_date(day), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=10)
        self.cell(0, 8, "（盖章）", align="R", new_x="LMARGIN", new_y="NEXT")

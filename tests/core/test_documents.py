"""core.documents: the one formula-injection guard, the workbook response and the PDF base
(the shipped Chinese font, the red header of an official document, Chinese dates)."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from safeloop.core.documents import (
    FONT,
    XLSX,
    CjkPdf,
    RedHeadDocument,
    chinese_date,
    neutralise,
    safe_cell,
    workbook_response,
)


def text_of(pdf: bytes) -> str:
    """The text without whitespace (pypdf reads fpdf2's CID codes with NULs in between)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(p.extract_text() for p in reader.pages))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_escapes_text_starting_with_every_formula_character(start):
    assert neutralise(f"{start}1+2") == f"'{start}1+2"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_escapes_them_after_leading_spaces_too(start):
    assert neutralise(f"   {start}HYPERLINK(1)") == f"'   {start}HYPERLINK(1)"


@pytest.mark.parametrize("text", ["", "  ", "冲压车间", "1+2", "a=b", "防护罩-缺失", "'=1", "\n=1"])
def test_it_leaves_other_text_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize(
    "value", [0, -5, 3.5, -0.25, Decimal("-12.50"), date(2026, 12, 4), True, None]
)
def test_numbers_dates_and_booleans_are_not_touched(value):
    assert neutralise(value) is value


def test_a_cell_keeps_numbers_and_dates_and_guards_text():
    assert safe_cell(-5) == -5 and isinstance(safe_cell(-5), int)
    assert safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_cell(date(2026, 1, 2)) == date(2026, 1, 2)
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"  # no boolean cells: text, as before
    assert safe_cell("-5") == "'-5"  # text that looks like a number is text
    assert safe_cell(" =SUM(A1)") == "' =SUM(A1)"


def test_an_aware_time_is_written_in_local_time_without_zone(settings):
    at = datetime(2026, 12, 4, 2, 30, tzinfo=ZoneInfo("UTC"))
    assert safe_cell(at) == datetime(2026, 12, 4, 10, 30)  # Asia/Shanghai


def test_the_workbook_response_streams_every_sheet_guarded():
    response = workbook_response(
        "report.xlsx",
        [
            ("=title", ["name", "@count"], [["=cmd|' /C calc'!A0", -3], [" +1", 2.5]]),
            ("第二页", ["x"], iter([[None]])),
        ],
    )
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="report.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["'=title", "第二页"]
    rows = [[c.value for c in row] for row in book["'=title"].iter_rows()]
    assert rows == [["name", "'@count"], ["'=cmd|' /C calc'!A0", -3], ["' +1", 2.5]]
    assert book["'=title"]["B2"].data_type == "n"  # a negative number stays a number


def test_a_chinese_date_has_no_leading_zeros():
    assert chinese_date(date(2026, 12, 4)) == "2026年12月4日"
    assert chinese_date(date(2027, 1, 9)) == "2027年1月9日"


def test_a_chinese_date_of_an_aware_time_is_its_local_day():
    late = datetime(2026, 12, 3, 17, 0, tzinfo=ZoneInfo("UTC"))  # 01:00 on the 4th locally
    assert chinese_date(late) == "2026年12月4日"


def test_the_pdf_base_embeds_the_shipped_chinese_font():
    assert FONT.is_file()
    pdf = CjkPdf()
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, "岗位风险告知卡")
    data = bytes(pdf.output())
    assert b"/FontFile" in data  # embedded, not referenced
    assert "岗位风险告知卡" in text_of(data)


def test_a_red_head_document_has_issuer_title_number_and_a_dated_signature():
    doc = RedHeadDocument("兴庆区工业和信息化局", "事故隐患整改通知书", "兴工信隐改〔2026〕1号")
    doc.paragraph("某某公司：", indent=False)
    doc.paragraph("经检查，发现你单位存在下列事故隐患。")
    doc.signature("兴庆区工业和信息化局", date(2026, 12, 4))
    doc.set_compression(False)
    data = bytes(doc.output())
    text = text_of(data)
    order = [
        text.index("兴庆区工业和信息化局"),
        text.index("事故隐患整改通知书"),
        text.index("兴工信隐改〔2026〕1号"),
        text.index("经检查"),
        text.index("2026年12月4日"),
        text.index("（盖章）"),
    ]
    assert order == sorted(order)
    red = b"0.7843 0.0627 0.1804"  # (200, 16, 46): the issuer's text and the rule under it
    assert red + b" rg" in data and red + b" RG" in data


def test_a_chinese_file_name_is_sent_encoded():
    response = workbook_response("隐患清单.xlsx", [("隐患", ["编号"], [[1]])])
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%9A%90%E6%82%A3%E6%B8%85%E5%8D%95.xlsx"
    )

"""Spreadsheet resource limits (core.bulk.inspect_xlsx): background or in-request is chosen on
what a file unpacks to and its row count, a cell past Excel's size or a sheet past its limit
is refused with a clear message before openpyxl reads it, memory stays flat, and a batch never
stays "checking" after a failure. The hostile files are generated here, for real."""

import functools
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.core.bulk import MAX_CELL_CHARS, TooLarge, XlsxLimits, inspect_xlsx
from safeloop.enterprises.imports import run_batch
from safeloop.enterprises.models import ImportBatch
from safeloop.orgs.roles import Role
from tests.conftest import valid_uscc
from tests.enterprises.test_spreadsheets import row, xlsx

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


def bomb(cell_bytes: int) -> bytes:
    """A valid ledger workbook whose second row holds one cell of `cell_bytes` characters,
    written in pieces: the file is a few dozen KB, the cell tens of MB."""
    base = zipfile.ZipFile(io.BytesIO(xlsx([row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != SHEET:
                z.writestr(info, base.read(info))
                continue
            head, _, _ = base.read(SHEET).decode().partition('<row r="2"')
            with z.open(SHEET, "w", force_zip64=True) as part:
                part.write(head.encode())
                part.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                for _ in range(cell_bytes // MB):
                    part.write(b"A" * MB)
                part.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def big_cell() -> bytes:
    return _big_cell()


@functools.cache
def _big_cell() -> bytes:
    return bomb(40 * MB)


def upload(client, world, content):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    client.post("/enterprises/import/", {"file": SimpleUploadedFile("台账.xlsx", content)})
    return ImportBatch.objects.latest("id")


def test_the_inspection_sees_the_unpacked_size_rows_and_longest_cell(big_cell):
    assert len(big_cell) < 1 * MB
    shape = inspect_xlsx(io.BytesIO(big_cell))
    assert shape.uncompressed > 40 * MB and shape.longest_text >= 40 * MB
    assert shape.rows == 2
    with pytest.raises(TooLarge, match=f"超过 {MAX_CELL_CHARS} 个字符"):
        XlsxLimits(max_rows=10).check(shape)


def test_the_inspection_keeps_memory_flat(big_cell):
    tracemalloc.start()
    inspect_xlsx(io.BytesIO(big_cell))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * MB, peak


def test_a_small_file_that_unpacks_large_runs_in_the_background_and_fails_cleanly(
    world, client, big_cell
):
    b = upload(client, world, big_cell)
    assert b.background and b.status == "checking"  # chosen on 40 MB unpacked, not 100 KB
    run_batch(b, apply=False)  # what the worker runs
    b.refresh_from_db()
    assert b.status == "failed" and f"超过 {MAX_CELL_CHARS} 个字符" in b.message
    assert b.error_count == 1


def test_in_the_request_a_huge_cell_is_refused_with_a_clear_message(
    world, client, settings, big_cell
):
    settings.LEDGER_IMPORT_SYNC_BYTES = 10**10
    b = upload(client, world, big_cell)
    assert not b.background and b.status == "failed"
    assert f"超过 {MAX_CELL_CHARS} 个字符" in b.message
    page = client.get(f"/enterprises/import/{b.token}/").content.decode()
    assert "单元格内容过长" in page


def test_many_rows_run_in_the_background_however_small_the_file(world, client, settings):
    settings.LEDGER_IMPORT_SYNC_ROWS = 10
    rows = [
        row(**{"统一社会信用代码": valid_uscc("640104", 7000 + i), "企业名称": f"导入{i}"})
        for i in range(12)
    ]
    assert upload(client, world, xlsx(rows)).background
    settings.LEDGER_IMPORT_SYNC_ROWS = 100
    assert not upload(client, world, xlsx(rows)).background


def test_a_sheet_past_its_unpacked_limit_is_refused():
    limits = XlsxLimits(max_rows=10, max_sheet_bytes=1 * MB, max_cell_bytes=10**9)
    with pytest.raises(TooLarge, match="解压后超过 1 MB"):
        limits.check(inspect_xlsx(io.BytesIO(bomb(2 * MB))))

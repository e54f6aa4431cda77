"""The sheet reader gives the same rows whether it runs here or in a child process."""

import time
from datetime import datetime

import pytest
from openpyxl import Workbook

from safeloop.enterprises.sheet_reader import SheetUnreadable, open_sheet


def workbook(path, rows) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    for r in rows:
        ws.append(r)
    wb.save(path)


ROWS = [
    ["名称", "日期", "数字", "是否"],
    ["甲　企业 ", datetime(2026, 2, 17), 12.5, True],
    ["=1+1", "2026-02-17", None, False],
    [None, None, None, None],
    ["＝ＡＢＣ", 3, -4, None],
]


def test_both_readers_give_the_same_rows(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook(path, ROWS)
    read = {}
    for in_child in (False, True):
        with open_sheet(path, "企业台账", 6, in_child=in_child) as (declared, rows):
            read[in_child] = (declared, list(rows))
    assert read[False] == read[True]
    declared, rows = read[True]
    assert declared == 5
    assert rows[1] == ("甲　企业 ", datetime(2026, 2, 17), 12.5, True, None, None)
    assert rows[2][:2] == ("=1+1", "2026-02-17")


def test_a_file_the_child_cannot_read_is_reported(tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(SheetUnreadable), open_sheet(path, "企业台账", 6, in_child=True):
        pass


def test_leaving_early_stops_the_child(tmp_path):
    path = tmp_path / "big.xlsx"
    workbook(path, [["名称"], *([f"企业{i}"] for i in range(20_000))])
    started = time.perf_counter()
    with open_sheet(path, "企业台账", 1, in_child=True) as (_, rows):
        assert next(rows) == ("名称",)
    assert time.perf_counter() - started < 5

"""The sheet reader gives the same rows whether it runs here or in a child process."""

import os
from datetime import datetime
from pathlib import Path

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


def _children() -> set[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for t in tasks.iterdir() for pid in (t / "children").read_text().split()}


def test_leaving_early_leaves_no_reader_behind(tmp_path):
    path = tmp_path / "big.xlsx"
    workbook(path, [["名称"], *([f"企业{i}"] for i in range(20_000))])
    before = _children()
    with open_sheet(path, "企业台账", 1, in_child=True) as (_, rows):
        assert next(rows) == ("名称",)
        (reader,) = _children() - before
    assert not Path(f"/proc/{reader}").exists()  # stopped and reaped, not left reading

"""Reading the rows of a ledger sheet, in this process or in a child process.

Parsing the sheet's XML is about a third of a large import's CPU time. For large files the
same reader runs in a child process that streams its rows through a pipe, so parsing runs
on one core while validation and writing run on another. The pipe's buffer bounds how far
the child reads ahead, so memory stays flat however large the file.

    python -m safeloop.enterprises.sheet_reader PATH SHEET MAX_COL   (the child's side)
"""

import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from openpyxl import load_workbook

BATCH = 500  # rows per message through the pipe


class SheetUnreadable(Exception):
    """The child could not read the sheet; the message says why."""


def read(path, sheet: str, max_col: int) -> Iterator:
    """Yields the sheet's declared row count, then its rows as tuples of cell values.
    The declared size is only a hint for progress: every row present is read."""
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]
        yield ws.max_row or 0
        ws.reset_dimensions()  # never trust the declared size: read what is there
        yield from ws.iter_rows(values_only=True, max_col=max_col)
    finally:
        wb.close()


@contextmanager
def open_sheet(path, sheet: str, max_col: int, *, in_child: bool):
    """(declared row count, iterator of rows), read here or by a child process."""
    if not in_child:
        rows = read(path, sheet, max_col)
        try:
            yield next(rows), rows
        finally:
            rows.close()
        return
    command = [sys.executable, "-m", __name__, str(path), sheet, str(max_col)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        messages = _messages(child)
        yield next(messages), messages
    finally:
        child.kill()  # a no-op once it has finished; stops it when the import gave up early
        child.stdout.close()
        child.wait()


def _messages(child) -> Iterator:
    while True:
        try:
            kind, payload = pickle.load(child.stdout)  # noqa: S301 (our own child's output)
        except EOFError:
            raise SheetUnreadable(f"sheet reader stopped (exit code {child.wait()})") from None
        if kind == "size":
            yield payload
        elif kind == "rows":
            yield from payload
        elif kind == "error":
            raise SheetUnreadable(payload)
        else:  # "end"
            return


def main(path: str, sheet: str, max_col: str) -> None:
    out = sys.stdout.buffer
    try:
        rows = read(path, sheet, int(max_col))
        pickle.dump(("size", next(rows)), out)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                pickle.dump(("rows", batch), out)
                batch = []
        pickle.dump(("rows", batch), out)
        pickle.dump(("end", None), out)
    except BrokenPipeError:  # the importer stopped reading (too many rows, an error)
        return
    except Exception as error:  # noqa: BLE001 (reported to the importer, which refuses the file)
        pickle.dump(("error", f"{type(error).__name__}: {error}"), out)
    out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:])

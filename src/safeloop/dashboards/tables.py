"""A dashboard figure as one table: the chart, the table view and the Excel export all render
the same rows, so the three can never disagree. Every cell carries the link to the list
behind its number."""

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

from django.urls import reverse

SAFE = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass
class Cell:
    value: int | float | None
    url: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]
    key: str = ""  # a stable identifier for tests and the browser (a code, a month, a state)


@dataclass
class Table:
    name: str  # also the export's file name and the element id
    title: str
    columns: list[str]
    chart: str = "bar"  # bar | stacked | line | pie
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    colours: list[str] = field(default_factory=list)

    def add(self, label, cells, key=""):
        self.rows.append(Row(str(label), cells, str(key or label)))

    def chart_data(self) -> dict:
        """What dashboard.js draws: categories, one series per column, links per point."""
        return {
            "name": self.name,
            "element_id": f"chart-data-{self.name}",
            "type": self.chart,
            "categories": [r.label for r in self.rows],
            "colours": self.colours,
            "series": [
                {
                    "name": str(column),
                    "data": [{"value": r.cells[i].value, "url": r.cells[i].url} for r in self.rows],
                }
                for i, column in enumerate(self.columns)
            ],
        }


@cache
def _path(url_name: str) -> str:
    return reverse(url_name)


def _quoted(value) -> str:
    text = str(value)
    return text if SAFE.fullmatch(text) else quote(text, safe="")


def link(url_name: str, base: dict, **params) -> str:
    """The list page behind a number: the focus's filters plus this number's own. (A page
    has a few hundred links: codes, dates and states need no quoting, so most skip it.)"""
    query = {**base, **{k: v for k, v in params.items() if v is not None}}
    pairs = []
    for name, value in query.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append(f"{name}={_quoted(v)}")
    path = _path(url_name)
    return f"{path}?{'&'.join(pairs)}" if pairs else path

"""Counts on list pages that never scan a whole scope.

A list of ten million rows must not count them all on each page: `capped_count` counts at
most `cap + 1` rows (`SELECT count(*) FROM (… LIMIT cap + 1)`), so the answer is exact up to
the cap and otherwise "cap+" ("10,000+"). `CappedPaginator` pages with it: it counts only as
far as the page asked for needs (at least the cap), so the next page is always known and no
page needs the full count. The API's pagination (`core.pagination`) reads the same
paginator. The cap is the setting `LIST_COUNT_CAP` (environment `SAFELOOP_LIST_COUNT_CAP`,
10,000 by default).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

DEFAULT_CAP = 10_000
# PostgreSQL's LIMIT and OFFSET are bigints: a page reaching past this holds no row.
MAX_REACH = 2**63 - 1


def count_cap() -> int:
    return int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_CAP))


@dataclass(frozen=True)
class CappedCount:
    """`n` rows, exact unless `capped`: then at least `n` (the cap) and more exist."""

    n: int
    capped: bool = False

    @property
    def label(self) -> str:
        return f"{self.n:,}+" if self.capped else str(self.n)

    def __str__(self) -> str:
        return self.label

    def __int__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0


def capped_count(queryset, cap: int | None = None) -> CappedCount:
    """The queryset's row count, exact up to `cap` (the setting by default), counting at
    most `cap + 1` rows."""
    cap = count_cap() if cap is None else cap
    n = queryset.order_by()[: cap + 1].count()
    return CappedCount(cap, True) if n > cap else CappedCount(n)


class CappedPaginator(Paginator):
    """A paginator that never counts the whole list: `count` is exact up to the cap, or up
    to the end of the page asked for when that lies further; past it, one more row than
    counted (`counted.capped`) so that the page has a next one. Page numbers past the
    counted reach are still served: asking for one counts as far as it."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, cap=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = count_cap() if cap is None else cap
        self._reach = self.cap

    @cached_property
    def counted(self) -> CappedCount:
        return capped_count(self.object_list, self._reach)

    @property  # Paginator's is a cached_property
    def count(self) -> int:
        counted = self.counted
        return counted.n + 1 if counted.capped else counted.n

    @property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        return math.ceil(hits / self.per_page)

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        reach = number * self.per_page
        if reach > MAX_REACH:  # counting that far is a database error, not an empty page
            raise EmptyPage(self.error_messages["no_results"])
        if reach > self._reach:
            self._reach = reach
            self.__dict__.pop("counted", None)
        if number > self.num_pages:
            if number == 1 and self.allow_empty_first_page:
                return number
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        """The page; for a queryset that joins related rows (`select_related`), read in two
        steps: the page's ids in the list's order, then those rows with their related ones.
        In one query PostgreSQL may join every matching row before it sorts and keeps a
        page (a city's 20,000 waiting hidden dangers, 125 ms); the ids sort narrow rows."""
        page = super().page(number)
        rows = page.object_list
        if (
            isinstance(rows, QuerySet)
            and rows._iterable_class is ModelIterable
            and rows.query.select_related
        ):
            page.object_list = rows_by_ids(self.object_list, rows)  # type: ignore[arg-type]
        return page


def rows_by_ids(whole: QuerySet, sliced: QuerySet) -> list:
    """`sliced` (a slice of `whole`) as a list, selected by its ids: the ids in order first,
    then the rows of `whole` with those ids (its joins, annotations and prefetches)."""
    ids = list(sliced.values_list("pk", flat=True))
    if not ids:
        return []
    position = {pk: i for i, pk in enumerate(ids)}
    return sorted(whole.order_by().filter(pk__in=ids), key=lambda row: position[row.pk])


# ---------------------------------------------------------------- summaries
# A higher app that keeps exact summary tables (the dashboards' tallies) registers, per model,
# a provider `provider(user, criteria) -> {value: n} | None` that answers a list's counts
# per state from them, or None when its keys cannot express the user's scope or the criteria
# (the list then counts with `capped_count`). Registered in the provider's AppConfig.ready, so
# the lower app that shows the list never imports the higher one.
_SUMMARIES: dict[type, Callable[[Any, dict], dict[str, int] | None]] = {}


def register_summary(model, provider: Callable[[Any, dict], dict[str, int] | None]) -> None:
    _SUMMARIES[model] = provider


def summary_counts(model, user, criteria: dict) -> dict[str, CappedCount] | None:
    """Exact counts per state from a registered summary, or None when none can answer."""
    provider = _SUMMARIES.get(model)
    counts = provider(user, criteria) if provider is not None else None
    if counts is None:
        return None
    return {key: CappedCount(n) for key, n in counts.items()}


def count_of(queryset: QuerySet):
    """The number of `queryset`'s rows as a column of each outer row (a queryset filtered by
    `OuterRef`): `(SELECT count(*) … WHERE x = outer.id)`. A page that shows a count per row
    computes it for the page's rows only, where `annotate(Count(…))` over a join groups the
    whole scope before the page is cut (a city's 100,000 enterprises for 50 lines)."""
    from django.db.models import Func, IntegerField, Subquery, Value

    counted = queryset.order_by().annotate(n=Func(Value(1), function="count")).values("n")
    return Subquery(counted, output_field=IntegerField())

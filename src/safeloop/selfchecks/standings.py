"""The completion table (企业自查监管): every enterprise of a regulator's scope with its
self-check tasks due in a window, worst completion first, as a pageable table.

A city holds 100,000 enterprises and tens of millions of tasks: counting a month of tasks per
enterprise and sorting in each request took seconds. So the preset windows (this week, this
month, the last 30 days, this year; `WINDOWS`) keep standings: `refresh(day)` (the nightly
job, after the missed-task scan and the day's generation) counts each enterprise's tasks of
each window as of `day`, and the task table's triggers (migration 0005) keep the counts exact
between refreshes, whatever writes the tasks. A request whose window is exactly a refreshed
window reads them (one indexed row per enterprise); any other window, or a preset the refresh
has not yet rolled to today, is counted live from the tasks: slower, never wrong.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.selfchecks import selectors
from safeloop.selfchecks.models import CompletionWindow
from safeloop.selfchecks.selectors import Completion


@dataclass(frozen=True)
class Window:
    label: object
    start: Callable[[date], date]  # the window's first day, given its last (today)


WINDOWS = {
    "week": Window(_("This week"), lambda d: d - timedelta(days=d.weekday())),
    "month": Window(_("This month"), lambda d: d.replace(day=1)),
    "30d": Window(_("Last 30 days"), lambda d: d - timedelta(days=29)),
    "year": Window(_("This year"), lambda d: d.replace(month=1, day=1)),
}


def presets(today: date) -> list[tuple[object, date, date]]:
    """(label, start, end) of each preset window ending `today`, for the screen's links."""
    return [(w.label, w.start(today), today) for w in WINDOWS.values()]


REFILL = """
INSERT INTO selfchecks_completionstanding (window_id, enterprise_id, total, done, missed, pending)
SELECT w.key, t.enterprise_id, count(*),
       count(*) FILTER (WHERE t.state = 'done'),
       count(*) FILTER (WHERE t.state = 'missed'),
       count(*) FILTER (WHERE t.state = 'pending')
FROM selfchecks_completionwindow w
JOIN selfchecks_selfchecktask t ON t.due_date BETWEEN w.start AND w."end"
GROUP BY w.key, t.enterprise_id
"""


def refresh(day: date) -> int:
    """Roll every preset window to end on `day` and count its tasks afresh, in one
    transaction (readers see the old standings until it commits). Returns the rows written."""
    with transaction.atomic():
        now = timezone.now()
        for key, window in WINDOWS.items():
            CompletionWindow.objects.update_or_create(
                key=key, defaults={"start": window.start(day), "end": day, "refreshed_at": now}
            )
        CompletionWindow.objects.exclude(key__in=WINDOWS).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM selfchecks_completionstanding")
            cursor.execute(REFILL)
            return cursor.rowcount


# The figures of one enterprise, from the standings of a window or counted live.
FROM_STANDINGS = """
SELECT enterprise_id, total, done, missed, pending
FROM selfchecks_completionstanding WHERE window_id = %s
"""
LIVE = """
SELECT enterprise_id, count(*) AS total,
       count(*) FILTER (WHERE state = 'done') AS done,
       count(*) FILTER (WHERE state = 'missed') AS missed,
       count(*) FILTER (WHERE state = 'pending') AS pending
FROM selfchecks_selfchecktask
WHERE due_date BETWEEN %s AND %s AND enterprise_id IN (SELECT id FROM scope)
GROUP BY enterprise_id
"""
ROWS = """
WITH scope AS ({scope}), figures AS ({figures})
SELECT e.id, e.name, r.name, coalesce(f.total, 0), coalesce(f.done, 0),
       coalesce(f.missed, 0), coalesce(f.pending, 0)
FROM enterprises_enterprise e
JOIN orgs_region r ON r.id = e.region_id
LEFT JOIN figures f ON f.enterprise_id = e.id
WHERE e.id IN (SELECT id FROM scope)
ORDER BY CASE WHEN f.done + f.missed > 0 THEN f.done::float8 / (f.done + f.missed) END
         ASC NULLS LAST, e.name, e.id
"""


def scope_sql(enterprises) -> tuple[str, tuple]:
    """The ids of `enterprises` as SQL and parameters; an empty queryset (`.none()`) as a
    query of no rows."""
    try:
        return enterprises.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return "SELECT NULL::bigint AS id WHERE false", ()


class Table:
    """The completion table of `enterprises` (a queryset the caller has scoped) for tasks due
    `start`–`end`: `count()` and slices for a paginator, iteration for an export. Rows are
    dicts with the figures, the rate (`Completion.rate`) and the latest record's day."""

    def __init__(self, enterprises, start: date, end: date):
        self.enterprises = enterprises
        self.start, self.end = start, end
        window = CompletionWindow.objects.filter(start=start, end=end).first()
        self.window = window.key if window else None

    def count(self) -> int:
        return self.enterprises.count()

    def __len__(self) -> int:
        return self.count()

    def _sql(self) -> tuple[str, list]:
        scope, scope_params = scope_sql(self.enterprises)
        if self.window:
            figures, params = FROM_STANDINGS, [self.window]
        else:
            figures, params = LIVE, [self.start, self.end]
        return ROWS.format(scope=scope, figures=figures), [*scope_params, *params]

    def _rows(self, suffix: str = "", extra=()) -> list[dict]:
        sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(sql + suffix, [*params, *extra])
            fetched = cursor.fetchall()
        return self._dicts(fetched)

    def __getitem__(self, page: slice) -> list[dict]:
        assert isinstance(page, slice) and page.step is None
        start = page.start or 0
        if page.stop is None:
            return self._rows(" OFFSET %s", [start])
        return self._rows(" LIMIT %s OFFSET %s", [max(0, page.stop - start), start])

    def __iter__(self) -> Iterator[dict]:
        return iter(self._rows())

    def _dicts(self, fetched) -> list[dict]:
        last = last_records([row[0] for row in fetched])
        rows = []
        for pk, name, county, total, done, missed, pending in fetched:
            rows.append(
                {
                    "enterprise_id": pk,
                    "name": name,
                    "county": county,
                    "total": total,
                    "done": done,
                    "missed": missed,
                    "pending": pending,
                    "rate": Completion(total, done, missed, pending).rate,
                    "last_record": last.get(pk),
                }
            )
        return rows


TOTAL = """
SELECT coalesce(sum(s.total), 0), coalesce(sum(s.done), 0), coalesce(sum(s.missed), 0),
       coalesce(sum(s.pending), 0)
FROM selfchecks_completionstanding s
WHERE s.window_id = %s AND s.enterprise_id IN ({scope})
"""


def total(enterprises, start: date, end: date) -> Completion:
    """The figures of all `enterprises` summed (the dashboard's panel): from the standings
    when `start`–`end` is a refreshed window, else counted live from the tasks."""
    window = CompletionWindow.objects.filter(start=start, end=end).first()
    if window is None:
        return selectors.completion_total(enterprises, start, end)
    scope, params = scope_sql(enterprises)
    with connection.cursor() as cursor:
        cursor.execute(TOTAL.format(scope=scope), [window.key, *params])
        return Completion(*(int(v) for v in cursor.fetchone()))


def last_records(enterprise_ids: list[int]) -> dict[int, date]:
    """The day of each enterprise's latest self-check record: one index probe each."""
    if not enterprise_ids:
        return {}
    sql = """
    SELECT e.id, (SELECT max(recorded_at) FROM selfchecks_selfcheckrecord r
                  WHERE r.enterprise_id = e.id)
    FROM unnest(%s::bigint[]) AS e(id)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [enterprise_ids])
        return {pk: timezone.localtime(at).date() for pk, at in cursor.fetchall() if at}

"""Reading, folding, recomputing and checking the tallies.

A read is one statement over the summary and its unfolded changes (UNION ALL, then grouped),
so it sees one snapshot: exact at every moment, however far behind the fold is.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from safeloop.core.replica import read_alias
from safeloop.dashboards import sql
from safeloop.dashboards.models import TALLIES, HazardCount, HazardDue, HazardMonth
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, State
from safeloop.hazards.models import Hazard

FOLD_LOCK = 7_240_001  # pg advisory lock id: one fold at a time


def read(summary, dims: list[str], *, user=None, where: Q | None = None) -> list[dict]:
    """Rows of `summary` grouped by `dims`, within `user`'s scope (everything when None) and
    `where`, with the unfolded changes added: exact, one statement."""
    change = next(c for s, c in TALLIES if s is summary)
    measures = list(summary.MEASURES)
    parts, params = [], []
    for model in (summary, change):
        rows = model.objects.all() if user is None else model.objects.for_user(user)
        qs = (
            rows.filter(where or Q())
            .order_by()
            .values(*dims)
            .annotate(**{f"m_{m}": Sum(m) for m in measures})
        )
        part, part_params = qs.query.sql_with_params()
        parts.append(f"({part})")
        params.extend(part_params)
    names = [*dims, *measures]
    group = f"GROUP BY {', '.join(dims)}" if dims else ""
    query = (
        f"SELECT {', '.join([*dims, *(f'sum({m})::bigint' for m in measures)])} FROM "
        f"({' UNION ALL '.join(parts)}) AS t ({', '.join(names)}) {group}"
    )
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(query, params)
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [r for r in rows if any(r[m] for m in measures)]


def fold() -> dict[str, int]:
    """Move the unfolded changes into the summaries; returns rows folded per tally."""
    folded = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        if not cursor.fetchone()[0]:
            return folded  # another fold is running; its work is the same
        for summary, change in TALLIES:
            cursor.execute(f"SELECT count(*) FROM {change._meta.db_table}")
            folded[summary._meta.model_name] = cursor.fetchone()[0]
            for statement in sql.fold_sql(summary, change).split(";"):
                if statement.strip():
                    cursor.execute(statement)
    return folded


def rebuild() -> None:
    """Empty the tallies and count every base row again (after TRUNCATE or a zone change)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
        cursor.execute(
            "LOCK TABLE hazards_hazard, enterprises_enterprise, "
            "risks_enterpriseriskprofile IN SHARE MODE"
        )
        for summary, change in TALLIES:
            cursor.execute(f"DELETE FROM {change._meta.db_table}")
            cursor.execute(f"DELETE FROM {summary._meta.db_table}")
        for statement in sql.fill_sql().split(";"):
            if statement.strip():
                cursor.execute(statement)
    fold()


# ---------------------------------------------------------------- recomputation (ORM)
# The same keys as sql.py, written independently with the ORM over the base tables: the
# check command and the tests compare the two, and grid/enterprise scopes read these.
def month_of(field: str):
    return TruncMonth(field, output_field=DateField(), tzinfo=ZoneInfo(settings.TIME_ZONE))


# What a hidden danger is counted by through its enterprise.
THROUGH_ENTERPRISE = ("park_id", "sector")


def _enterprise_keys(ids, using: str) -> dict[int, dict]:
    """Each enterprise's park (0: none) and sector, deleted ones included (as a join reads
    them); one array parameter, not thousands of IN items."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT id, coalesce(park_id, 0), sector FROM enterprises_enterprise "
            "WHERE id = ANY(%s::bigint[])",
            [sorted(ids)],
        )
        return {pk: {"park_id": park, "sector": sector} for pk, park, sector in cursor}


def _grouped(hazards, dims: list[str]) -> list[dict]:
    """`hazards` counted by `dims` (`n`). Grouped by enterprise in SQL when a dimension is
    the enterprise's, then keyed by its park and sector here: joined in SQL, PostgreSQL hashed
    all 100,000 enterprises for a grid cell's 33,000 hidden dangers (which the grouping
    reads from an index alone)."""
    own = [d for d in dims if d not in THROUGH_ENTERPRISE]
    if len(own) == len(dims):
        return list(hazards.values(*dims).annotate(n=Count("pk")))
    rows = list(hazards.values("enterprise_id", *own).annotate(n=Count("pk")))
    keys = _enterprise_keys({r["enterprise_id"] for r in rows}, hazards.db)
    merged: dict[tuple, dict] = {}
    for r in rows:
        row = {**r, **keys[r["enterprise_id"]]}
        key = tuple(row[d] for d in dims)
        into = merged.setdefault(key, {d: row[d] for d in dims} | {"n": 0})
        into["n"] += r["n"]
    return list(merged.values())


def hazard_counts(hazards, dims: list[str]) -> list[dict]:
    return _grouped(hazards.order_by(), dims)


def hazard_months(hazards, dims: list[str]) -> list[dict]:
    """dims among region_code, park_id, level, month, kind."""
    out = []
    base = hazards.order_by()
    for kind, subset, field in (
        (HazardMonth.FOUND, base.exclude(state=State.VOIDED), "found_at"),
        (
            HazardMonth.CLOSED,
            base.filter(state=State.CLOSED, accepted_at__isnull=False),
            "accepted_at",
        ),
    ):
        wanted = [d for d in dims if d != "kind"]
        for row in _grouped(subset.annotate(month=month_of(field)), wanted):
            if "kind" in dims:
                row["kind"] = kind
            out.append(row)
    if "kind" not in dims:  # merge the two kinds
        merged: dict[tuple, dict] = {}
        for row in out:
            key = tuple(row[d] for d in dims)
            merged.setdefault(key, {**row, "n": 0})["n"] += row["n"]
        out = list(merged.values())
    return out


def hazard_dues(hazards, dims: list[str]) -> list[dict]:
    """Open hidden dangers with a deadline, counted by `dims` (among region_code, park_id,
    level, deadline)."""
    return _grouped(hazards.order_by().filter(state__in=OPEN_STATES, deadline__isnull=False), dims)


def risk_tallies(enterprises, dims: list[str]) -> list[dict]:
    annotated = enterprises.order_by().annotate(
        park_key=Coalesce(F("park_id"), Value(0)),
        level_key=Coalesce(F("risk_profile__level"), Value("")),
    )
    names = {"park_id": "park_key", "level": "level_key"}
    colours = {
        c: Coalesce(Sum(f"risk_profile__{c}"), 0)
        for c in ("red", "orange", "yellow", "blue", "unassessed")
    }
    rows = annotated.values(*[names.get(d, d) for d in dims]).annotate(
        enterprises=Count("pk"), **colours
    )
    inverse = {v: k for k, v in names.items()}
    return [{inverse.get(k, k): v for k, v in row.items()} for row in rows]


def recompute(summary) -> list[dict]:
    """Every key of `summary` recomputed from the base tables, all scopes."""
    dims = list(summary.KEY)
    if summary is HazardCount:
        return hazard_counts(Hazard.objects.all(), dims)
    if summary is HazardMonth:
        return hazard_months(Hazard.objects.all(), dims)
    if summary is HazardDue:
        return hazard_dues(Hazard.objects.all(), dims)
    return risk_tallies(Enterprise.objects.all(), dims)


def _keyed(summary, rows) -> dict[tuple, tuple]:
    return {
        tuple(r[d] for d in summary.KEY): tuple(int(r[m]) for m in summary.MEASURES)
        for r in rows
        if any(r[m] for m in summary.MEASURES)
    }


def differences() -> list[str]:
    """Human-readable differences between the tallies and the recomputation (none: equal)."""
    problems = []
    for summary, _change in TALLIES:
        dims = list(summary.KEY)
        stored = _keyed(summary, read(summary, dims))
        truth = _keyed(summary, recompute(summary))
        for key in sorted(set(stored) | set(truth), key=str):
            if stored.get(key) != truth.get(key):
                problems.append(
                    f"{summary._meta.model_name} {dict(zip(dims, key, strict=True))}: "
                    f"summary {stored.get(key)} ≠ base tables {truth.get(key)}"
                )
    return problems

"""The triggers that keep the tallies exact, and the fold that compacts their changes.

Every trigger is statement-level with transition tables: one INSERT of grouped, signed
changes per statement, whatever the number of rows (a bulk UPDATE of a million hazards
writes a handful of change rows). A tally's key is a function of the row and of the row it
is counted through (a hazard through its enterprise, an enterprise through its risk
profile); each trigger subtracts the key a change leaves and adds the key it enters, reading
the other row as it currently is. So the tally always equals the grouped base tables, which
is what `check_summaries` and the tests verify against an independent ORM recomputation.

Changes that these triggers cannot see: TRUNCATE, and the zone in `dashboards_month` (set
when the migration ran). After either, run `safeloop manage check_summaries --rebuild`.
"""

from safeloop.dashboards.models import TALLIES

ENTERPRISE = "enterprises_enterprise"
HAZARD = "hazards_hazard"
PROFILE = "risks_enterpriseriskprofile"
NO_PROFILE = f"LEFT JOIN {PROFILE} p ON false"  # the key of an enterprise without a profile


# ---------------------------------------------------------------- rows of each tally
# Each builder returns a SELECT of key columns and signed measures over `source`, a FROM
# clause that exposes the aliases it needs (h, e, p), filtered by `where`.
def hazard_count_rows(source: str, where: str, sign: int) -> str:
    return (
        f"SELECT h.region_code, coalesce(e.park_id, 0), e.sector, h.level, h.state, {sign} "
        f"FROM {source} WHERE {where}"
    )


def hazard_month_rows(source: str, where: str, sign: int) -> str:
    key = "h.region_code, coalesce(e.park_id, 0), h.level"
    return (
        f"SELECT {key}, dashboards_month(h.found_at), 'found', {sign} "
        f"FROM {source} WHERE ({where}) AND h.state <> 'voided' "
        f"UNION ALL SELECT {key}, dashboards_month(h.accepted_at), 'closed', {sign} "
        f"FROM {source} WHERE ({where}) AND h.state = 'closed' AND h.accepted_at IS NOT NULL"
    )


def risk_rows(source: str, where: str, sign: int) -> str:
    counts = ", ".join(
        f"{sign} * coalesce(p.{colour}, 0)"
        for colour in ("red", "orange", "yellow", "blue", "unassessed")
    )
    return (
        f"SELECT e.region_code, coalesce(e.park_id, 0), e.sector, coalesce(p.level, ''), "
        f"{sign}, {counts} FROM {source} WHERE ({where}) AND e.deleted_at IS NULL"
    )


ROWS = {
    "dashboards_hazardcount": hazard_count_rows,
    "dashboards_hazardmonth": hazard_month_rows,
    "dashboards_risktally": risk_rows,
}


def _columns(model) -> tuple[list[str], list[str]]:
    return list(model.KEY), list(model.MEASURES)


def record(summary, parts: list[tuple[str, str, int]]) -> str:
    """INSERT the grouped, non-zero sum of the signed rows into the summary's change table."""
    change = next(c for s, c in TALLIES if s is summary)
    key, measures = _columns(summary)
    builder = ROWS[summary._meta.db_table]
    union = " UNION ALL ".join(builder(source, where, sign) for source, where, sign in parts)
    names = [*key, *measures]
    sums = ", ".join(f"sum({m})" for m in measures)
    nonzero = " OR ".join(f"sum({m}) <> 0" for m in measures)
    return (
        f"INSERT INTO {change._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(key)}, {sums} FROM ({union}) AS rows ({', '.join(names)}) "
        f"GROUP BY {', '.join(key)} HAVING {nonzero};"
    )


# ---------------------------------------------------------------- triggers
def _hazard_source(rows: str) -> str:
    return f"{rows} h JOIN {ENTERPRISE} e ON e.id = h.enterprise_id"


def _hazard_parts(op: str) -> list[tuple[str, str, int]]:
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append((_hazard_source("new_rows"), "true", 1))
    if op in ("UPDATE", "DELETE"):
        parts.append((_hazard_source("old_rows"), "true", -1))
    return parts


def _enterprise_hazard_parts() -> list[tuple[str, str, int]]:
    """An enterprise changing park or sector moves all of its hazards."""
    moved = "(e.park_id, e.sector) IS DISTINCT FROM (other.park_id, other.sector)"
    return [
        (
            f"old_rows e JOIN new_rows other ON other.id = e.id "
            f"JOIN {HAZARD} h ON h.enterprise_id = e.id",
            moved,
            -1,
        ),
        (
            f"new_rows e JOIN old_rows other ON other.id = e.id "
            f"JOIN {HAZARD} h ON h.enterprise_id = e.id",
            moved,
            1,
        ),
    ]


def _enterprise_risk_parts(op: str) -> list[tuple[str, str, int]]:
    profile = f"LEFT JOIN {PROFILE} p ON p.enterprise_id = e.id"
    if op == "INSERT":
        return [(f"new_rows e {profile}", "true", 1)]
    if op == "DELETE":
        return [(f"old_rows e {profile}", "true", -1)]
    moved = (
        "(e.region_code, e.park_id, e.sector, e.deleted_at IS NULL) IS DISTINCT FROM "
        "(other.region_code, other.park_id, other.sector, other.deleted_at IS NULL)"
    )
    return [
        (f"old_rows e JOIN new_rows other ON other.id = e.id {profile}", moved, -1),
        (f"new_rows e JOIN old_rows other ON other.id = e.id {profile}", moved, 1),
    ]


def _profile_parts(op: str) -> list[tuple[str, str, int]]:
    def through(rows, join_profile=True):
        tail = "" if join_profile else f" {NO_PROFILE}"
        alias = "p" if join_profile else "x"
        return f"{rows} {alias} JOIN {ENTERPRISE} e ON e.id = {alias}.enterprise_id{tail}"

    parts = []
    if op == "INSERT":  # the enterprise leaves "no profile"
        parts.append((through("new_rows", join_profile=False), "true", -1))
    if op in ("INSERT", "UPDATE"):
        parts.append((through("new_rows"), "true", 1))
    if op in ("UPDATE", "DELETE"):
        parts.append((through("old_rows"), "true", -1))
    if op == "DELETE":  # … and returns to it
        parts.append((through("old_rows", join_profile=False), "true", 1))
    return parts


# An UPDATE that changes none of these columns moves no key: the trigger returns at once
# (most hazard updates edit the plan, the evidence or the monitoring columns).
KEY_COLUMNS = {
    HAZARD: ["enterprise_id", "region_code", "level", "state", "found_at", "accepted_at"],
    ENTERPRISE: ["region_code", "park_id", "sector", "deleted_at"],
    PROFILE: ["enterprise_id", "level", "red", "orange", "yellow", "blue", "unassessed"],
}


PRIMARY_KEY = {HAZARD: "id", ENTERPRISE: "id", PROFILE: "enterprise_id"}


def _unchanged_guard(table: str) -> str:
    # A set difference of (key, columns), not a join of old and new rows on the key: inside
    # EXISTS the planner expects an early match and joins by nested loops, quadratic in the
    # rows of one UPDATE (8,000 hazards took 11 s, 50,000 would take minutes).
    columns = ", ".join(dict.fromkeys([PRIMARY_KEY[table], *KEY_COLUMNS[table]]))
    return (
        f"IF NOT EXISTS (SELECT {columns} FROM new_rows EXCEPT SELECT {columns} FROM old_rows) "
        "THEN RETURN NULL; END IF;"
    )


def _trigger(table: str, op: str, statements: list[str]) -> str:
    name = f"dashboards_{table.split('_', 1)[1]}_{op.lower()}"
    if op == "UPDATE":
        statements = [_unchanged_guard(table), *statements]
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[op]
    body = "\n  ".join(statements)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {body}
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER {op} ON {table} REFERENCING {referencing}
  FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def _trigger_names() -> list[tuple[str, str]]:
    ops = ("INSERT", "UPDATE", "DELETE")
    return [
        (t, f"dashboards_{t.split('_', 1)[1]}_{op.lower()}")
        for t in (HAZARD, ENTERPRISE, PROFILE)
        for op in ops
    ]


def install_sql(time_zone: str) -> str:
    from safeloop.dashboards.models import HazardCount, HazardMonth, RiskTally

    zone = time_zone.replace("'", "")
    out = [
        "CREATE OR REPLACE FUNCTION dashboards_month(ts timestamptz) RETURNS date "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT date_trunc('month', ts AT TIME ZONE '{zone}')::date $$;"
    ]
    for op in ("INSERT", "UPDATE", "DELETE"):
        parts = _hazard_parts(op)
        out.append(_trigger(HAZARD, op, [record(HazardCount, parts), record(HazardMonth, parts)]))
        enterprise = [record(RiskTally, _enterprise_risk_parts(op))]
        if op == "UPDATE":
            hazards = _enterprise_hazard_parts()
            enterprise += [record(HazardCount, hazards), record(HazardMonth, hazards)]
        out.append(_trigger(ENTERPRISE, op, enterprise))
        out.append(_trigger(PROFILE, op, [record(RiskTally, _profile_parts(op))]))
    return "\n".join(out)


def uninstall_sql() -> str:
    out = []
    for table, name in _trigger_names():
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();")
    out.append("DROP FUNCTION IF EXISTS dashboards_month(timestamptz);")
    return "\n".join(out)


def trigger_names(table: str) -> list[str]:
    return [name for t, name in _trigger_names() if t == table]


# ---------------------------------------------------------------- indexes
# Overdue figures depend on today's date, so they are read live from the open hazards. Two
# partial indexes hold only open hazards, with the level and enterprise alongside, so each
# read is one index-only range scan: a county by (county, deadline) reads only its overdue
# rows; a city (a code prefix: LIKE, hence the pattern operator class) by (deadline, code)
# reads only overdue rows.
OPEN = "state IN ('pending', 'rectifying', 'awaiting')"
INDEXES = (
    "CREATE INDEX IF NOT EXISTS dashboards_hazard_open_region_deadline ON hazards_hazard "
    f"(region_code varchar_pattern_ops, deadline) INCLUDE (level, enterprise_id) WHERE {OPEN};"
    "CREATE INDEX IF NOT EXISTS dashboards_hazard_open_deadline_region ON hazards_hazard "
    f"(deadline, region_code varchar_pattern_ops) INCLUDE (level, enterprise_id) WHERE {OPEN};"
)
DROP_INDEXES = (
    "DROP INDEX IF EXISTS dashboards_hazard_open_region_deadline;"
    "DROP INDEX IF EXISTS dashboards_hazard_open_deadline_region;"
)


# ---------------------------------------------------------------- fill and fold
def fill_sql() -> str:
    """Count every base row as one change (the first fill and --rebuild; then fold)."""
    from safeloop.dashboards.models import HazardCount, HazardMonth, RiskTally

    hazards = [(_hazard_source(HAZARD), "true", 1)]
    risks = [(f"{ENTERPRISE} e LEFT JOIN {PROFILE} p ON p.enterprise_id = e.id", "true", 1)]
    return "\n".join(
        [record(HazardCount, hazards), record(HazardMonth, hazards), record(RiskTally, risks)]
    )


def fold_sql(summary, change) -> str:
    key, measures = _columns(summary)
    table = summary._meta.db_table
    names = ", ".join([*key, *measures])
    sums = ", ".join(f"sum({m})" for m in measures)
    add = ", ".join(f"{m} = {table}.{m} + EXCLUDED.{m}" for m in measures)
    zero = " AND ".join(f"{m} = 0" for m in measures)
    return (
        f"WITH moved AS (DELETE FROM {change._meta.db_table} RETURNING {names}) "
        f"INSERT INTO {table} ({names}) SELECT {', '.join(key)}, {sums} FROM moved "
        f"GROUP BY {', '.join(key)} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {add};"
        f"DELETE FROM {table} WHERE {zero};"
    )

"""The triggers that keep the tallies exact, and the fold that compacts their changes.

Every trigger is statement-level with transition tables: one INSERT of grouped, signed
changes per statement, whatever the number of rows (a bulk UPDATE of a million hazards
writes a handful of change rows). A tally's key is a function of the row and of the row it
is counted through (a hazard through its enterprise, an enterprise through its risk
profile); each trigger subtracts the key a change leaves and adds the key it enters, reading
the other row as it currently is. So the tally always equals the grouped base tables, which
is what `check_summaries` and the tests verify against an independent ORM recomputation.

Linear whatever the statistics. Rows loaded in the same transaction have no statistics, and
a transition table never has any: planned on those guesses, a join of a transition table to a
base table may become a nested loop over the transition table, quadratic in the rows of one
statement (99,937 risk profiles after 100,000 unanalysed enterprises: over 28 minutes). So no
trigger joins a transition table by a join the planner chooses:
- hazard rows are first grouped by everything a tally reads (`hazard_groups`), with a count;
- each group, enterprise or profile then looks up the one row it is counted through by a
  LATERAL subquery that cannot be flattened (OFFSET 0): a nested loop driven by the
  transition table, one index probe per row, the only plan there is;
- an UPDATE finds the rows whose key moved by a set difference of old and new rows (EXCEPT,
  hashed or sorted), never by joining old rows to new rows;
- each trigger function runs with `enable_seqscan = off`, so a probe is an index scan even
  when the table looks tiny to the planner.

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
# clause that exposes the aliases it needs (h, e, p), filtered by `where`. Hazards come
# grouped (`hazard_groups`): h.n hazards share the row's columns.
def hazard_count_rows(source: str, where: str, sign: int) -> str:
    return (
        f"SELECT h.region_code, coalesce(e.park_id, 0), e.sector, h.level, h.state, "
        f"{sign} * h.n FROM {source} WHERE {where}"
    )


def hazard_month_rows(source: str, where: str, sign: int) -> str:
    key = "h.region_code, coalesce(e.park_id, 0), h.level"
    return (
        f"SELECT {key}, h.found_month, 'found', {sign} * h.n "
        f"FROM {source} WHERE ({where}) AND h.state <> 'voided' "
        f"UNION ALL SELECT {key}, h.accepted_month, 'closed', {sign} * h.n "
        f"FROM {source} WHERE ({where}) AND h.state = 'closed' AND h.accepted_month IS NOT NULL"
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


OPEN = "state IN ('pending', 'rectifying', 'awaiting')"


def hazard_due_rows(source: str, where: str, sign: int) -> str:
    """Open hidden dangers by deadline (only open ones with a deadline: a key never NULL)."""
    return (
        f"SELECT h.region_code, coalesce(e.park_id, 0), h.level, h.deadline, {sign} * h.n "
        f"FROM {source} WHERE ({where}) AND h.{OPEN} AND h.deadline IS NOT NULL"
    )


ROWS = {
    "dashboards_hazardcount": hazard_count_rows,
    "dashboards_hazardmonth": hazard_month_rows,
    "dashboards_hazarddue": hazard_due_rows,
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
# What the tallies read of a hazard: HazardCount its county, level and state; HazardMonth
# also the months it was found and accepted in; HazardDue the deadline of an open one.
COUNTS, MONTHS, DUE = "counts", "months", "due"
COLUMNS = {
    COUNTS: ["region_code", "level", "state"],
    MONTHS: [
        "region_code",
        "level",
        "state",
        "dashboards_month(found_at) AS found_month",
        "dashboards_month(accepted_at) AS accepted_month",
    ],
    DUE: ["region_code", "level", "state", "deadline"],
}


def _positions(columns: str, first: int = 1) -> str:
    return ", ".join(str(i) for i in range(first, first + len(COLUMNS[columns])))


def hazard_groups(rows: str, where: str = "true", *, columns: str = MONTHS) -> str:
    """The hazards of `rows` (a table or a transition table) matching `where`, grouped by
    their enterprise and what a tally reads of them (`COLUMNS`), with their number `n`."""
    return (
        f"(SELECT enterprise_id, {', '.join(COLUMNS[columns])}, count(*) AS n FROM {rows} "
        f"WHERE {where} GROUP BY 1, {_positions(columns, 2)})"
    )


def _enterprise_of(alias: str) -> str:
    """The enterprise that row `alias` belongs to, as `e`: one index probe per row."""
    return (
        "CROSS JOIN LATERAL (SELECT id, region_code, park_id, sector, deleted_at "
        f"FROM {ENTERPRISE} WHERE id = {alias}.enterprise_id OFFSET 0) e"
    )


PROFILE_OF_E = (
    "LEFT JOIN LATERAL (SELECT level, red, orange, yellow, blue, unassessed "
    f"FROM {PROFILE} WHERE enterprise_id = e.id OFFSET 0) p ON true"
)


def hazard_source(rows: str, where: str = "true", *, columns: str = MONTHS) -> str:
    """A FROM clause of the grouped hazards of `rows` (h) and their enterprises (e)."""
    return f"{hazard_groups(rows, where, columns=columns)} h {_enterprise_of('h')}"


def _moved(first: str, second: str, columns: str) -> str:
    """The rows of transition table `first` whose `columns` differ from `second`'s."""
    return f"(SELECT {columns} FROM {first} EXCEPT SELECT {columns} FROM {second})"


def _hazard_parts(op: str, columns: str) -> list[tuple[str, str, int]]:
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append((hazard_source("new_rows", columns=columns), "true", 1))
    if op in ("UPDATE", "DELETE"):
        parts.append((hazard_source("old_rows", columns=columns), "true", -1))
    return parts


def _enterprise_hazard_parts(columns: str) -> list[tuple[str, str, int]]:
    """An enterprise changing park or sector moves all of its hazards (read by the index on
    their enterprise, grouped as `hazard_groups`). OFFSET 0 keeps the tally's own filters
    (a closed one's month, an open one's deadline) out of the probe: pushed into it, they let
    the planner read every closed hazard by the state index for each enterprise, filtering
    by enterprise (a plan cached while the statistics said one enterprise held every
    hazard: moving 10,000 enterprises took 193 s instead of 3 s)."""

    def hazards_of(first: str, second: str) -> str:
        return (
            f"{_moved(first, second, 'id, park_id, sector')} e CROSS JOIN LATERAL "
            f"(SELECT {', '.join(COLUMNS[columns])}, count(*) AS n FROM {HAZARD} "
            f"WHERE enterprise_id = e.id GROUP BY {_positions(columns)} OFFSET 0) h"
        )

    return [
        (hazards_of("old_rows", "new_rows"), "true", -1),
        (hazards_of("new_rows", "old_rows"), "true", 1),
    ]


def _enterprise_risk_parts(op: str) -> list[tuple[str, str, int]]:
    if op == "INSERT":
        return [(f"new_rows e {PROFILE_OF_E}", "true", 1)]
    if op == "DELETE":
        return [(f"old_rows e {PROFILE_OF_E}", "true", -1)]
    # deleted_at itself, not whether it is set: a change between two deletion times moves
    # a row that counts on neither side, which adds nothing.
    columns = "id, region_code, park_id, sector, deleted_at"
    return [
        (f"{_moved('old_rows', 'new_rows', columns)} e {PROFILE_OF_E}", "true", -1),
        (f"{_moved('new_rows', 'old_rows', columns)} e {PROFILE_OF_E}", "true", 1),
    ]


def _profile_parts(op: str) -> list[tuple[str, str, int]]:
    def through(rows, join_profile=True):
        if join_profile:
            return f"{rows} p {_enterprise_of('p')}"
        return f"{rows} x {_enterprise_of('x')} {NO_PROFILE}"

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
    HAZARD: [
        "enterprise_id",
        "region_code",
        "level",
        "state",
        "found_at",
        "accepted_at",
        "deadline",
    ],
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
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET jit = off AS $$
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


def install_sql(time_zone: str, *, due: bool = True) -> str:
    """The trigger functions and triggers (CREATE OR REPLACE); `due`: with the tally of open
    hidden dangers by deadline (dashboards 0005; False only to undo that migration)."""
    from safeloop.dashboards.models import HazardCount, HazardDue, HazardMonth, RiskTally

    hazard_tallies = [(HazardCount, COUNTS), (HazardMonth, MONTHS)] + (
        [(HazardDue, DUE)] if due else []
    )

    zone = time_zone.replace("'", "")
    out = [
        "CREATE OR REPLACE FUNCTION dashboards_month(ts timestamptz) RETURNS date "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT date_trunc('month', ts AT TIME ZONE '{zone}')::date $$;"
    ]
    for op in ("INSERT", "UPDATE", "DELETE"):
        hazard = [
            record(summary, _hazard_parts(op, columns)) for summary, columns in hazard_tallies
        ]
        out.append(_trigger(HAZARD, op, hazard))
        enterprise = [record(RiskTally, _enterprise_risk_parts(op))]
        if op == "UPDATE":
            enterprise += [
                record(summary, _enterprise_hazard_parts(columns))
                for summary, columns in hazard_tallies
            ]
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
# Overdue figures of a city, county or park come from HazardDue (open hidden dangers by
# deadline: what is late today is a range of its keys). The smaller scopes (a grid cell, an
# enterprise) and the lists' overdue filter read the open hidden dangers themselves: two
# partial indexes hold only open hazards, with the level and enterprise alongside, so each
# read is one index-only range scan: a county by (county, deadline) reads only its overdue
# rows; a city (a code prefix: LIKE, hence the pattern operator class) by (deadline, code)
# reads only overdue rows.
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
def fill_sql(*, due: bool = True) -> str:
    """Count every base row as one change (the first fill and --rebuild; then fold); `due` as
    for `install_sql`."""
    from safeloop.dashboards.models import HazardCount, HazardDue, HazardMonth, RiskTally

    risks = [(f"{ENTERPRISE} e LEFT JOIN {PROFILE} p ON p.enterprise_id = e.id", "true", 1)]
    return "\n".join(
        [
            fill_hazards_sql(HazardCount, COUNTS),
            fill_hazards_sql(HazardMonth, MONTHS),
            fill_hazards_sql(HazardDue, DUE) if due else "",
            record(RiskTally, risks),
        ]
    )


def fill_hazards_sql(summary, columns: str) -> str:
    """Count every hidden danger into `summary`'s changes (read as `columns`; for HazardDue
    only the open ones, through their partial indexes)."""
    groups = hazard_groups(HAZARD, OPEN if columns == DUE else "true", columns=columns)
    return record(
        summary, [(f"{groups} h JOIN {ENTERPRISE} e ON e.id = h.enterprise_id", "true", 1)]
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

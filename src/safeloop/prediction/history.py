"""Inspection history with a planted, documented signal, written by PostgreSQL itself; the
demo and the benchmark generate their history with it.

Each enterprise draws a hidden “carelessness” c in [0, 1) (a hash of its id and the seed).
Over the months before `end`:
- its own hidden dangers (self-checks): 1 + ⌊8c⌋ of them, each with a 15–45 day deadline;
  closed on time with probability 1 − 0.7c, else late by 10–120 days (open where that is
  after `end`); a rectification is returned at acceptance with probability 0.8c;
- an inspection every 100–220 days (a random first day), submitted;
- what an inspection finds. With the signal: a major hidden danger with probability
  0.02 + 0.35c², some hidden danger with probability 0.15 + 0.6c. Without it (signal=False):
  the same average rates, 0.137 and 0.45, for everyone. Findings are hidden dangers found by a
  regulator on the inspection's day (the outcome the model learns), closed within 20–40 days.
So, with the signal, enterprises with many, overdue and returned rectifications are likelier
to have majors — through c, which the platform never sees; without it nothing predicts them.
"""

from datetime import date, timedelta

from django.db import connection, models

from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.inspections.models import Visit

MAJOR_WITH_SIGNAL = "0.02 + 0.35 * c * c"
ANY_WITH_SIGNAL = "0.15 + 0.6 * c"
MAJOR_WITHOUT = "0.137"
ANY_WITHOUT = "0.45"


def _default(field) -> str:
    if field.null:
        return "NULL"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return "0"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.DateField):
        return "current_date"
    return "''"


def insert_select(model, values: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO model's table SELECT values FROM source; other columns get neutral values.
    The table is analysed after the load, so the next load (and its summary triggers) is
    planned on the real row counts."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(values.get(field.attname, _default(field)))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    return count


def _rnd(*parts: str) -> str:
    """A deterministic number in [0, 1) from SQL expressions (and the seed). The history is
    keyed on each enterprise's position in the list given, never on database ids, so the
    same call plants the same history whatever ran before."""
    key = " || ':' || ".join([*parts, "%(seed)s::text"])
    return f"(('x' || substr(md5({key}), 1, 8))::bit(32)::bigint / 4294967296.0)"


def plant(
    *,
    enterprise_ids: list[int],
    plan_id: int,
    inspector_id: int,
    end: date,
    months: int,
    signal: bool = True,
    seed: int = 0,
) -> dict:
    """Write the history; returns the counts of rows written."""
    start = end - timedelta(days=months * 30)
    span = (end - start).days
    params = {"ids": enterprise_ids, "start": start, "end": end, "seed": seed, "span": span}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS prediction_plant")
        cursor.execute(
            f"""CREATE TEMP TABLE prediction_plant AS
            SELECT e.id, g.n, e.region_code, {_rnd("g.n::text", "'c'")} AS c
            FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS g(id, n)
            JOIN enterprises_enterprise e ON e.id = g.id""",
            params,
        )
    stamp = "(%(start)s::date + s.day)::timestamptz + interval '10 hours'"
    own = f"""(SELECT p.id, p.region_code, p.c, k,
                  floor({_rnd("p.n::text", "k::text", "'d'")} * %(span)s)::int AS day,
                  15 + floor({_rnd("p.n::text", "k::text", "'l'")} * 30)::int AS limit_days,
                  {_rnd("p.n::text", "k::text", "'t'")} AS on_time,
                  10 + floor({_rnd("p.n::text", "k::text", "'x'")} * 110)::int AS late_by,
                  {_rnd("p.n::text", "k::text", "'r'")} AS returned
               FROM prediction_plant p, generate_series(1, 1 + floor(8 * p.c)::int) AS k) s"""
    closes = (
        "(s.day + s.limit_days"
        " - CASE WHEN s.on_time < 1 - 0.7 * s.c THEN s.limit_days / 2 ELSE -s.late_by END)"
    )
    closed = f"{closes} < %(span)s"
    counts = {}
    counts["own_hazards"] = insert_select(
        Hazard,
        {
            "enterprise_id": "s.id",
            "region_code": "s.region_code",
            "state": f"CASE WHEN {closed} THEN 'closed' ELSE 'rectifying' END",
            "level": "'general'",
            "source": "'1'",
            "category": "(1 + s.k %% 8)::text",
            "place": "'生产车间'",
            "description": "'日常排查发现的一般事故隐患（历史记录）'",
            "found_at": stamp,
            "deadline": "%(start)s::date + s.day + s.limit_days",
            "accepted_at": f"CASE WHEN {closed} THEN (%(start)s::date + {closes})::timestamptz "
            "+ interval '15 hours' END",
            "returns_count": "CASE WHEN s.returned < 0.8 * s.c THEN 1 ELSE 0 END",
            "idempotency_key": "'plant-' || %(seed)s || '-' || s.id || '-' || s.k",
            "version": "1",
            "created_at": stamp,
        },
        own,
        params,
    )
    counts["returns"] = insert_select(
        HazardEvent,
        {
            "hazard_id": "h.id",
            "at": "h.deadline::timestamptz - interval '3 days'",
            "move": "'return'",
            "from_state": "'awaiting'",
            "to_state": "'rectifying'",
            "note": "'整改不到位，退回'",
        },
        "hazards_hazard h WHERE h.returns_count > 0 AND h.idempotency_key LIKE "
        "'plant-' || %(seed)s || '-%%' AND h.deadline < %(end)s",
        params,
    )
    counts["visits"] = insert_select(
        Visit,
        {
            "plan_id": str(int(plan_id)),
            "enterprise_id": "s.id",
            "region_code": "s.region_code",
            "inspector_id": str(int(inspector_id)),
            "scheduled_on": "%(start)s::date + s.day",
            "state": "'submitted'",
            "started_at": f"{stamp} - interval '1 hour'",
            "submitted_at": stamp,
            "submission_key": "'plant-' || %(seed)s || '-' || s.id || '-' || s.k",
            "summary": "'例行执法检查（历史记录）'",
            "version": "1",
        },
        f"""(SELECT p.id, p.region_code, k, s0 + k * gap AS day FROM (
                SELECT p.*, floor({_rnd("p.n::text", "'g'")} * 120)::int + 100 AS gap,
                    floor({_rnd("p.n::text", "'o'")} * 200)::int AS s0
                FROM prediction_plant p) p, generate_series(0, 40) AS k
             WHERE s0 + k * gap < %(span)s) s""",
        params,
    )
    major_p, any_p = (
        (MAJOR_WITH_SIGNAL, ANY_WITH_SIGNAL) if signal else (MAJOR_WITHOUT, ANY_WITHOUT)
    )
    visit = ("p.n::text", "v.scheduled_on::text")
    found = f"""(SELECT v.enterprise_id AS id, v.region_code, v.submitted_at, v.id AS visit,
                    p.c, {_rnd(*visit, "'f'")} AS u,
                    20 + floor({_rnd(*visit, "'a'")} * 20)::int AS close_in
                 FROM inspections_visit v JOIN prediction_plant p ON p.id = v.enterprise_id
                 WHERE v.submission_key LIKE 'plant-' || %(seed)s || '-%%') s
                WHERE s.u < {any_p.replace("c", "s.c")}"""
    accepted = "s.submitted_at + s.close_in * interval '1 day'"
    counts["findings"] = insert_select(
        Hazard,
        {
            "enterprise_id": "s.id",
            "region_code": "s.region_code",
            "state": f"CASE WHEN {accepted} < %(end)s THEN 'closed' ELSE 'rectifying' END",
            "level": f"CASE WHEN s.u < {major_p.replace('c', 's.c')} THEN 'major' "
            "ELSE 'general' END",
            "source": "'enforcement'",
            "category": "'1'",
            "place": "'现场检查'",
            "description": "'执法检查发现的事故隐患（历史记录）'",
            "found_at": "s.submitted_at",
            "found_by_regulator": "true",
            "deadline": "(s.submitted_at + interval '30 days')::date",
            "accepted_at": f"CASE WHEN {accepted} < %(end)s THEN {accepted} END",
            "idempotency_key": "'plant-' || %(seed)s || '-v' || s.visit",
            "version": "1",
            "created_at": "s.submitted_at",
        },
        found,
        params,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE prediction_plant")
    return counts

"""The set-based credit pass: make sure every subject has a record, derive the events the
platform's records imply, then recompute score and grade from the live events.

`run(today)` covers every enterprise (the daily job and `safeloop manage credit_recompute`);
`run(today, enterprise_id=…)` is the same SQL narrowed to one enterprise, which is what an
event from a hazard, accident, licence or visit triggers. Every statement is idempotent:
an event is unique per (record, kind, source, source id).

A whole pass reads the hidden dangers' closings (the one source that grows with the table)
only from the events recorded since the previous pass (`CreditPass.hazardevent_upto`); a
closing committed by a transaction still open during that pass is scored by the
one-enterprise run its commit schedules (signals.py). `run(today, full=True)` re-derives
every source within the rules' validity (after a rule change or to repair)."""

from datetime import date, timedelta
from typing import Any

from django.db import connection

from safeloop.credit.choices import Grade
from safeloop.credit.models import CreditPass, CreditRule, CreditScheme

OPEN_HAZARD = ("pending", "rectifying", "awaiting")

RECORDS = """
INSERT INTO credit_creditrecord
    (enterprise_id, subject, key, safety_manager_id, name, score, grade, live_events)
SELECT e.id, 'enterprise', 'e', NULL::bigint, e.name, %(base)s, %(base_grade)s, 0
FROM enterprises_enterprise e WHERE e.deleted_at IS NULL {ent_e}
UNION ALL
SELECT e.id, 'principal', 'p', NULL, e.principal, %(base)s, %(base_grade)s, 0
FROM enterprises_enterprise e WHERE e.deleted_at IS NULL AND e.principal <> '' {ent_e}
UNION ALL
SELECT m.enterprise_id, 'safety_manager', 'm' || m.id, m.id, m.name, %(base)s,
       %(base_grade)s, 0
FROM enterprises_safetymanager m JOIN enterprises_enterprise e ON e.id = m.enterprise_id
WHERE e.deleted_at IS NULL AND m.removed_at IS NULL {ent_e}
ON CONFLICT (enterprise_id, key) DO NOTHING
"""

# Each source row becomes (enterprise, kind, source, source id, day, summary, cap): `cap`
# ends the event early (a standardisation grade counts only while its certificate is valid).
SOURCES = """
SELECT h.enterprise_id, 'hazard_overdue' AS kind, 'hazards.hazard' AS source, h.id AS source_id,
       h.deadline + 1 AS day, '逾期未整改：' || left(h.description, 80) AS summary,
       NULL::date AS cap
FROM hazards_hazard h
WHERE h.state = ANY(%(open_hazard)s) AND h.deadline < %(today)s {ent_h}
UNION ALL
SELECT h.enterprise_id,
       CASE WHEN (x.at AT TIME ZONE %(tz)s)::date <= h.deadline
            THEN 'hazard_on_time' ELSE 'hazard_overdue' END,
       'hazards.hazard', h.id, (x.at AT TIME ZONE %(tz)s)::date,
       CASE WHEN (x.at AT TIME ZONE %(tz)s)::date <= h.deadline THEN '按期整改销号：'
            ELSE '逾期后整改销号：' END || left(h.description, 80),
       NULL
FROM hazards_hazardevent x JOIN hazards_hazard h ON h.id = x.hazard_id
WHERE x.to_state = 'closed' AND h.deadline IS NOT NULL AND x.at >= %(since_closed)s
  AND x.id > %(after_event)s {ent_h}
UNION ALL
SELECT h.enterprise_id, 'hazard_returned', 'hazards.hazardevent', x.id,
       (x.at AT TIME ZONE %(tz)s)::date,
       '整改验收未通过，退回整改：' || left(h.description, 80), NULL
FROM hazards_hazardevent x JOIN hazards_hazard h ON h.id = x.hazard_id
WHERE x.move = 'return' AND x.at >= %(since)s {ent_h}
UNION ALL
SELECT a.enterprise_id, 'accident_' || a.grade, 'accidents.accident', a.id,
       (a.occurred_at AT TIME ZONE %(tz)s)::date, left(a.place || '：' || a.summary, 120), NULL
FROM accidents_accident a
WHERE a.state = 'reported' AND a.grade <> '' {ent_a}
UNION ALL
SELECT a.enterprise_id, 'late_report', 'accidents.accident', a.id,
       (a.reported_at AT TIME ZONE %(tz)s)::date, '事故迟报：' || left(a.place, 100), NULL
FROM accidents_accident a
WHERE a.state = 'reported' AND a.reported_late {ent_a}
UNION ALL
SELECT a.enterprise_id, 'false_report', 'accidents.investigation', i.id,
       (a.occurred_at AT TIME ZONE %(tz)s)::date,
       CASE i.concealment WHEN 'concealed' THEN '事故瞒报：' ELSE '事故谎报：' END
       || left(a.place, 100), NULL
FROM accidents_investigation i JOIN accidents_accident a ON a.id = i.accident_id
WHERE i.concealment <> '' AND a.state = 'reported' {ent_a}
UNION ALL
SELECT l.enterprise_id, 'licence_lapsed', 'enterprises.licence', l.id, l.valid_to + 1,
       '许可证过期且无有效证照：' || l.number, NULL
FROM enterprises_licence l
WHERE l.valid_to < %(today)s AND l.status IN ('valid', 'expired') {ent_l}
  AND NOT EXISTS (
    SELECT 1 FROM enterprises_licence v
    WHERE v.enterprise_id = l.enterprise_id AND v.kind = l.kind
      AND v.status = 'valid' AND v.valid_to >= %(today)s)
UNION ALL
SELECT e.id, 'standard_' || e.standard_grade, 'enterprises.enterprise', e.id, %(today)s,
       '安全生产标准化等级', e.standard_expiry
FROM enterprises_enterprise e
WHERE e.standard_grade IN ('first', 'second', 'third') AND e.deleted_at IS NULL
  AND (e.standard_expiry IS NULL OR e.standard_expiry >= %(today)s) {ent_e}
UNION ALL
SELECT v.enterprise_id, 'clean_inspection', 'inspections.visit', v.id,
       (v.submitted_at AT TIME ZONE %(tz)s)::date, '监督检查未发现隐患', NULL
FROM inspections_visit v JOIN inspections_plan p ON p.id = v.plan_id
WHERE v.state = 'submitted' AND p.kind <> 'self' AND v.submitted_at >= %(since)s {ent_v}
  AND NOT EXISTS (
    SELECT 1 FROM inspections_visitresult r WHERE r.visit_id = v.id AND r.hazard_id IS NOT NULL)
"""

EVENTS = """
WITH rules(kind, rule_id, points, months, persons) AS (
    SELECT * FROM unnest(%(kinds)s::text[], %(rule_ids)s::bigint[], %(points)s::int[],
                         %(months)s::int[], %(persons)s::bool[])
), src AS ({sources})
INSERT INTO credit_creditevent
    (enterprise_id, record_id, kind, rule_id, points, occurred_on, valid_until, source,
     source_id, summary, void_reason, created_at)
SELECT s.enterprise_id, rec.id, s.kind, r.rule_id, r.points, s.day,
       least(s.cap, (s.day + make_interval(months => r.months))::date),
       s.source, s.source_id, s.summary, '', now()
FROM src s
JOIN rules r ON r.kind = s.kind
JOIN credit_creditrecord rec ON rec.enterprise_id = s.enterprise_id
     AND (rec.key = 'e' OR r.persons)
WHERE s.day + make_interval(months => r.months) > %(today)s
ON CONFLICT (record_id, kind, source, source_id) DO NOTHING
"""

# Events whose source was withdrawn (a voided accident or hidden danger, a hidden danger
# closed or a licence renewed no longer needs the open overdue) stop counting.
VOID = """
UPDATE credit_creditevent ev SET voided_at = now(), void_reason = '来源记录已撤销'
WHERE ev.voided_at IS NULL AND (
    (ev.source = 'accidents.accident' AND EXISTS (
        SELECT 1 FROM accidents_accident a WHERE a.id = ev.source_id AND a.state = 'voided'))
 OR (ev.source = 'hazards.hazard' AND EXISTS (
        SELECT 1 FROM hazards_hazard h WHERE h.id = ev.source_id AND h.state = 'voided'))
) {ent_ev}
"""

SCORES = """
WITH agg AS (
    SELECT rec.id,
           coalesce(sum(ev.points) FILTER (WHERE ev.voided_at IS NULL
                                           AND ev.valid_until > %(today)s), 0) AS pts,
           count(ev.id) FILTER (WHERE ev.voided_at IS NULL AND ev.valid_until > %(today)s) AS n
    FROM credit_creditrecord rec
    LEFT JOIN credit_creditevent ev ON ev.record_id = rec.id
    WHERE true {ent_rec}
    GROUP BY rec.id
), scored AS (
    SELECT id, greatest(0, %(base)s + pts) AS score, n FROM agg
)
UPDATE credit_creditrecord rec
SET score = s.score, live_events = s.n, computed_at = now(),
    grade = CASE WHEN s.score >= %(a_min)s THEN 'A' WHEN s.score >= %(b_min)s THEN 'B'
                 WHEN s.score >= %(c_min)s THEN 'C' ELSE 'D' END
FROM scored s
WHERE s.id = rec.id AND (rec.computed_at IS NULL OR rec.score <> s.score
                         OR rec.live_events <> s.n)
"""


def _filters(enterprise_id: int | None) -> dict[str, str]:
    if enterprise_id is None:
        return dict.fromkeys(("ent_e", "ent_h", "ent_a", "ent_l", "ent_v", "ent_ev", "ent_rec"), "")
    n = int(enterprise_id)
    return {
        "ent_e": f"AND e.id = {n}",
        "ent_h": f"AND h.enterprise_id = {n}",
        "ent_a": f"AND a.enterprise_id = {n}",
        "ent_l": f"AND l.enterprise_id = {n}",
        "ent_v": f"AND v.enterprise_id = {n}",
        "ent_ev": f"AND ev.enterprise_id = {n}",
        "ent_rec": f"AND rec.enterprise_id = {n}",
    }


def run(
    today: date,
    enterprise_id: int | None = None,
    *,
    timings: dict | None = None,
    full: bool = False,
) -> dict:
    """Records, events and scores for every enterprise (or one); returns counts."""
    import time

    from django.conf import settings

    scheme = CreditScheme.current(today)
    rules = list(CreditRule.in_force(today).values())
    longest = max((r.validity_months for r in rules), default=12)
    since = date(today.year - (longest + 11) // 12 - 1, today.month, 1)
    # a closing counts while its day + the rule's months is after today: older ones are not read
    closed_months = max(
        (r.validity_months for r in rules if r.kind in ("hazard_on_time", "hazard_overdue")),
        default=longest,
    )
    since_closed = max(since, _months_before(today, closed_months) - timedelta(days=1))
    after_event = 0
    whole = enterprise_id is None
    if whole and not full:
        last = CreditPass.objects.order_by("-pk").first()
        after_event = last.hazardevent_upto if last else 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM hazards_hazardevent")
        upto = cursor.fetchone()[0]
    f = _filters(enterprise_id)
    params: dict[str, Any] = {
        "today": today,
        "since": since,
        "since_closed": since_closed,
        "after_event": after_event,
        "tz": settings.TIME_ZONE,
        "open_hazard": list(OPEN_HAZARD),
        "base": scheme.base_score,
        "base_grade": scheme.grade_for(scheme.base_score),
        "a_min": scheme.a_min,
        "b_min": scheme.b_min,
        "c_min": scheme.c_min,
        "kinds": [r.kind for r in rules],
        "rule_ids": [r.pk for r in rules],
        "points": [r.points for r in rules],
        "months": [r.validity_months for r in rules],
        "persons": [r.charge_persons for r in rules],
    }
    counts: dict = {}
    steps = [
        ("records", RECORDS.format(**f)),
        ("events", EVENTS.format(sources=SOURCES.format(**f))),
        ("voided", VOID.format(**f)),
        ("scores", SCORES.format(**f)),
    ]
    with connection.cursor() as cursor:
        for name, sql in steps:
            started = time.perf_counter()
            cursor.execute(sql, params)
            counts[name] = cursor.rowcount
            if timings is not None:
                timings[name] = time.perf_counter() - started
    if whole:
        CreditPass.objects.create(
            ran_on=today, full=after_event == 0, hazardevent_upto=upto, counts=counts
        )
    return counts


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def grade_for(score: int, day: date | None = None) -> str:
    return CreditScheme.current(day).grade_for(score) or Grade.A

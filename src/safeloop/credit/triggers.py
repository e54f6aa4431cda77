"""The serious-dishonesty list's inclusion triggers (应急管理部令第11号), found by one
set-based query and proposed through `services.propose`: a major or extraordinarily serious
accident; `serious_count` serious accidents within `serious_window_months` (the window
counts back from the latest one, its first day included); a concealed or falsely reported
accident (the accidents app's investigation finding); and the events another app records
for a 2–5× fine or operating without a licence. A ground already proposed (whatever became of
it) is not proposed again; a second serious-accident ground is not proposed while one is
open."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection

from safeloop.credit.choices import OPEN_LISTING
from safeloop.credit.dates import add_years
from safeloop.credit.models import ListingPolicy

SQL = """
WITH found(enterprise_id, trigger, source, source_id, facts) AS (
    SELECT a.enterprise_id, 'major_accident', 'accidents.accident', a.id,
           to_char(a.occurred_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD') || ' 发生'
           || CASE a.grade WHEN 'major' THEN '重大' ELSE '特别重大' END || '生产安全事故（'
           || a.place || '），死亡' || a.deaths || '人'
    FROM accidents_accident a
    WHERE a.state = 'reported' AND a.grade IN ('major', 'extraordinary')
      AND a.occurred_at >= %(since)s {ent_a}
    UNION ALL
    SELECT a.enterprise_id, 'serious_accidents', 'accidents.accident', a.id,
           to_char(a.occurred_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD') || ' 发生较大事故，'
           || %(window)s || '个月内共' || (
               SELECT count(*) FROM accidents_accident b
               WHERE b.enterprise_id = a.enterprise_id AND b.state = 'reported'
                 AND b.grade = 'serious' AND b.occurred_at <= a.occurred_at
                 AND (b.occurred_at AT TIME ZONE %(tz)s)::date
                     >= ((a.occurred_at AT TIME ZONE %(tz)s)::date
                         - make_interval(months => %(window)s))::date) || '起较大事故'
    FROM accidents_accident a
    WHERE a.state = 'reported' AND a.grade = 'serious' AND a.occurred_at >= %(since)s {ent_a}
      AND (SELECT count(*) FROM accidents_accident b
           WHERE b.enterprise_id = a.enterprise_id AND b.state = 'reported'
             AND b.grade = 'serious' AND b.occurred_at <= a.occurred_at
             AND (b.occurred_at AT TIME ZONE %(tz)s)::date
                 >= ((a.occurred_at AT TIME ZONE %(tz)s)::date
                     - make_interval(months => %(window)s))::date) >= %(count)s
      AND NOT EXISTS (
        SELECT 1 FROM credit_listing o WHERE o.enterprise_id = a.enterprise_id
          AND o.trigger = 'serious_accidents' AND o.state = ANY(%(open)s))
    UNION ALL
    SELECT a.enterprise_id, 'concealment', 'accidents.investigation', i.id,
           to_char(a.occurred_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD') || ' 事故（' || a.place
           || '）经调查认定' || CASE i.concealment WHEN 'concealed' THEN '瞒报' ELSE '谎报' END
    FROM accidents_investigation i JOIN accidents_accident a ON a.id = i.accident_id
    WHERE i.concealment <> '' AND a.state = 'reported' AND a.occurred_at >= %(since)s {ent_a}
    UNION ALL
    SELECT ev.enterprise_id,
           CASE ev.kind WHEN 'penalty_multiple' THEN 'penalty_multiple' ELSE 'unlicensed' END,
           ev.source, ev.source_id, ev.occurred_on || ' ' || ev.summary
    FROM credit_creditevent ev JOIN credit_creditrecord r ON r.id = ev.record_id
    WHERE ev.kind IN ('penalty_multiple', 'unlicensed') AND r.key = 'e'
      AND ev.voided_at IS NULL AND ev.occurred_on >= %(since)s::date {ent_ev}
)
SELECT DISTINCT ON (f.enterprise_id, f.trigger, f.source, f.source_id) f.*
FROM found f
WHERE NOT EXISTS (
    SELECT 1 FROM credit_listing l WHERE l.enterprise_id = f.enterprise_id
      AND l.trigger = f.trigger AND l.source = f.source AND l.source_id = f.source_id)
ORDER BY f.enterprise_id, f.trigger, f.source, f.source_id
"""


def candidates(today: date, enterprise_id: int | None = None) -> list[tuple]:
    policy = ListingPolicy.current(today)
    n = None if enterprise_id is None else int(enterprise_id)
    sql = SQL.format(
        ent_a="" if n is None else f"AND a.enterprise_id = {n}",
        ent_ev="" if n is None else f"AND ev.enterprise_id = {n}",
    )
    params: dict[str, Any] = {
        "tz": settings.TIME_ZONE,
        "since": add_years(today, -policy.period_years),
        "window": policy.serious_window_months,
        "count": policy.serious_count,
        "open": [str(s) for s in OPEN_LISTING],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()

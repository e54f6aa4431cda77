"""Risk-based target selection, as one set-based INSERT … SELECT.

An enterprise in the plan's region (operating or suspended, not deleted) is chosen when any
rule holds; every rule that holds is recorded as a reason code with a sentence:
- frequency: its risk level's interval (TargetingPolicy / RiskFrequency rows) has passed
  since its last submitted visit. Never-visited enterprises whose interval is longer than
  the plan are spread over the periods of one interval by id (a blue one in a quarterly
  plan comes up in one quarter of four), so the load is even.
  The enterprise's credit grade (its credit record, key "e"; none counts as B) multiplies
  the interval by the policy's factor (rounded to whole months, at least one); a shortened
  interval that makes it due adds the reason "credit" (分级分类监管).
- accident: an accident this year (selectors.accident_enterprise_ids);
- overdue_hazard: an open hidden danger past its deadline;
- expired_licence: a licence past its end with no valid one of the same kind;
- coverage: not visited since the cycle began — due in its slot of the cycle, and in the
  cycle's last period whatever its slot, so that every enterprise is visited once per cycle;
- prediction: then the scoring rule in force adds the enterprises the model ranks highest
  (safeloop.prediction.targeting), appending its reason to targets already chosen.
"""

import json
from datetime import date

from django.db import connection

from safeloop.hazards.choices import OPEN_STATES
from safeloop.inspections.choices import VisitState
from safeloop.inspections.models import Plan, PlanTarget, TargetingPolicy
from safeloop.inspections.selectors import accident_enterprise_ids

# An enterprise without a credit record (key "e") is treated as grade B: unjudged, unchanged
# under the default factors.
NO_RECORD_GRADE = "B"

LEVEL_NAMES = {
    "red": "红色（重大风险）",
    "orange": "橙色（较大风险）",
    "yellow": "黄色（一般风险）",
    "blue": "蓝色（低风险）",
    "": "未评级",
}


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


SQL = """
WITH last_visit AS (
    SELECT enterprise_id, max(submitted_at)::date AS day
    FROM inspections_visit WHERE state = %(submitted)s GROUP BY enterprise_id
), overdue AS (
    SELECT enterprise_id, count(*) AS n FROM hazards_hazard
    WHERE state = ANY(%(open_states)s) AND deadline < %(today)s
      AND region_code LIKE %(prefix)s
    GROUP BY enterprise_id
), expired AS (
    SELECT DISTINCT l.enterprise_id FROM enterprises_licence l
    WHERE l.valid_to < %(today)s AND l.status IN ('valid', 'expired')
      AND NOT EXISTS (
        SELECT 1 FROM enterprises_licence v
        WHERE v.enterprise_id = l.enterprise_id AND v.kind = l.kind
          AND v.status = 'valid' AND v.valid_to >= %(today)s)
), freq(level, months) AS (
    SELECT * FROM unnest(%(levels)s::text[], %(months)s::int[])
), grade_factor(grade, factor) AS (
    SELECT * FROM unnest(%(grades)s::text[], %(factors)s::numeric[])
), candidates AS (
    SELECT e.id, e.region_code, coalesce(p.level, '') AS level,
           coalesce(f.months, %(unassessed)s) AS base_months,
           greatest(1, round(coalesce(f.months, %(unassessed)s) * g.factor))::int AS months,
           CASE WHEN cr.grade IS NULL THEN '尚无信用记录，按' || g.grade || '级'
                ELSE '信用等级' || cr.grade || '级' END AS grade_text,
           lv.day AS last_day,
           coalesce(o.n, 0) AS overdue_n,
           x.enterprise_id IS NOT NULL AS expired,
           e.id = ANY(%(accident_ids)s) AS accident
    FROM enterprises_enterprise e
    LEFT JOIN risks_enterpriseriskprofile p ON p.enterprise_id = e.id
    LEFT JOIN freq f ON f.level = p.level
    LEFT JOIN credit_creditrecord cr ON cr.enterprise_id = e.id AND cr.key = 'e'
    JOIN grade_factor g ON g.grade = coalesce(cr.grade, %(default_grade)s)
    LEFT JOIN last_visit lv ON lv.enterprise_id = e.id
    LEFT JOIN overdue o ON o.enterprise_id = e.id
    LEFT JOIN expired x ON x.enterprise_id = e.id
    WHERE e.deleted_at IS NULL AND e.status IN ('operating', 'suspended')
      AND e.region_code LIKE %(prefix)s
), judged AS (
    SELECT c.*,
        CASE WHEN c.last_day IS NOT NULL
             THEN c.last_day + make_interval(months => c.months) <= %(period_end)s
             ELSE c.months <= %(plan_months)s
                  OR c.id %% greatest(1, c.months / %(plan_months)s)
                     = %(slot)s %% greatest(1, c.months / %(plan_months)s)
        END AS due,
        (c.last_day IS NULL OR c.last_day < %(cycle_start)s)
            AND (c.id %% %(cycle_slots)s = %(slot)s %% %(cycle_slots)s OR %(last_slot)s)
            AS uncovered
    FROM candidates c
)
INSERT INTO inspections_plantarget
    (plan_id, enterprise_id, region_code, risk_level, reasons, reason_text, visits_planned)
SELECT %(plan_id)s, j.id, j.region_code, j.level,
    to_jsonb(array_remove(ARRAY[
        CASE WHEN j.due THEN 'frequency' END,
        CASE WHEN j.due AND j.months < j.base_months THEN 'credit' END,
        CASE WHEN j.accident AND %(use_accident)s THEN 'accident' END,
        CASE WHEN j.overdue_n > 0 AND %(use_overdue)s THEN 'overdue_hazard' END,
        CASE WHEN j.expired AND %(use_expired)s THEN 'expired_licence' END,
        CASE WHEN j.uncovered THEN 'coverage' END], NULL)),
    concat_ws('；',
        CASE WHEN j.due THEN
            '风险等级' || coalesce(%(level_names)s::jsonb ->> j.level, j.level)
            || '，每' || j.months || '个月至少检查一次'
            || CASE WHEN j.months > j.base_months
                    THEN '（' || j.grade_text || '，由每' || j.base_months || '个月放宽）'
                    ELSE '' END
            || CASE WHEN j.last_day IS NULL THEN '，尚无检查记录'
                    ELSE '，上次检查' || to_char(j.last_day, 'YYYY-MM-DD') END
        END,
        CASE WHEN j.due AND j.months < j.base_months
             THEN j.grade_text || '，检查频次提高（每' || j.base_months || '个月改为每'
                  || j.months || '个月）' END,
        CASE WHEN j.accident AND %(use_accident)s THEN '本年度发生生产安全事故，重点检查' END,
        CASE WHEN j.overdue_n > 0 AND %(use_overdue)s
             THEN '有' || j.overdue_n || '项事故隐患逾期未整改' END,
        CASE WHEN j.expired AND %(use_expired)s THEN '许可证已过期且无有效证照' END,
        CASE WHEN j.uncovered THEN '本检查周期（' || to_char(%(cycle_start)s::date, 'YYYY-MM-DD')
             || '起）尚未检查' END),
    CASE WHEN j.due THEN greatest(1, %(plan_months)s / j.months) ELSE 1 END
FROM judged j
WHERE j.due OR j.uncovered
   OR (j.accident AND %(use_accident)s)
   OR (j.overdue_n > 0 AND %(use_overdue)s)
   OR (j.expired AND %(use_expired)s)
"""


def cycle_start_for(plan: Plan, policy: TargetingPolicy) -> date:
    """Cycles are aligned to January: a 12-month cycle is the calendar year."""
    months = max(1, policy.coverage_cycle_months)
    offset = ((plan.period_start.month - 1) // months) * months if months <= 12 else 0
    return date(plan.period_start.year, 1 + offset, 1)


def generate(plan: Plan, policy: TargetingPolicy, *, today: date) -> int:
    """Write the plan's targets (the caller has removed old ones); returns how many."""
    cycle_start = cycle_start_for(plan, policy)
    plan_months = max(1, plan.months)
    slot = _months_between(cycle_start, plan.period_start) // plan_months
    cycle_slots = max(1, policy.coverage_cycle_months // plan_months)
    frequencies = policy.frequencies()
    factors = policy.credit_factors()

    params = {
        "submitted": VisitState.SUBMITTED,
        "open_states": [str(s) for s in OPEN_STATES],
        "today": today,
        "prefix": plan.region.prefix + "%",
        "levels": list(frequencies),
        "months": [frequencies[level] for level in frequencies],
        "unassessed": policy.unassessed_months,
        "grades": list(factors),
        "factors": list(factors.values()),
        "default_grade": NO_RECORD_GRADE,
        "accident_ids": accident_enterprise_ids(plan.period_start.year),
        "period_end": plan.period_end,
        "plan_months": plan_months,
        "slot": slot,
        "cycle_start": cycle_start,
        "cycle_slots": cycle_slots,
        "last_slot": slot >= cycle_slots - 1,
        "plan_id": plan.pk,
        "use_accident": policy.include_accident,
        "use_overdue": policy.include_overdue_hazards,
        "use_expired": policy.include_expired_licences,
        "level_names": json.dumps(LEVEL_NAMES, ensure_ascii=False),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
    from safeloop.prediction.targeting import add_targets  # the score is one more input

    add_targets(plan, today=today)
    return PlanTarget.objects.filter(plan=plan).count()

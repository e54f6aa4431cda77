"""The features of predictive targeting, computed set-based in SQL for many (enterprise, day)
pairs at once, each from what the platform knew before that day (no leakage from after it).

Every feature is documented in FEATURES (its Chinese phrase is what a regulator reads in the
targeting reason). Enterprise attributes (sector, special operations, park) and the current
risk profile (level, major hazard installation) have no history in the platform: they are
taken as they stand, which docs/prediction.md records. Credit grade and enforcement history
are slots (`available=False`) until those apps exist; they read as 0 and the model leaves them
out.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection

from safeloop.hazards.choices import State

HISTORY_DAYS = 730  # hidden-danger history window (two years)
SELFCHECK_DAYS = 180  # self-check window
ACCIDENT_DAYS = 1095  # accidents window (three years)
WARNING_DAYS = 365
NEVER_VISITED_DAYS = 1095  # the value of "days since the last inspection" when there is none


@dataclass(frozen=True)
class Feature:
    name: str
    phrase: str  # Chinese, with {v} for the value, shown in the targeting reason
    doc: str
    available: bool = True

    @property
    def label(self) -> str:
        """The feature's Chinese name, for the report's table."""
        return LABELS[self.name]


LABELS = {
    "risk_rank": "风险等级",
    "major_installation": "重大危险源",
    "special_operations": "特殊作业与危化品类别数",
    "high_risk_sector": "高危行业",
    "hazards_2y": "近两年隐患数",
    "majors_2y": "近两年重大隐患数",
    "overdue_open": "整改逾期数",
    "returned_2y": "整改被退回次数",
    "days_to_close": "隐患平均销号天数",
    "selfcheck_missed": "自查未完成率",
    "selfcheck_abnormal": "自查异常数",
    "accidents_3y": "近三年事故数",
    "warnings_1y": "近一年预警次数",
    "licence_expired": "许可证过期",
    "days_since_visit": "距上次检查天数",
    "in_park": "园区企业",
    "credit_grade": "信用等级",
    "enforcement_1y": "近一年行政处罚次数",
}

FEATURES = [
    Feature(
        "risk_rank",
        "风险等级{v}级（红4橙3黄2蓝1）",
        "current risk level: red 4 … blue 1, 0 not assessed",
    ),
    Feature(
        "major_installation", "重大危险源企业", "a major hazard installation (profile or ledger)"
    ),
    Feature(
        "special_operations",
        "{v} 类涉及特殊作业或危化品",
        "count of dust, ammonia, confined space, metal smelting, chemicals, explosives flags",
    ),
    Feature(
        "high_risk_sector", "高危行业", "sector is explosives, metallurgy or non-ferrous metals"
    ),
    Feature(
        "hazards_2y",
        "近两年 {v} 项隐患",
        "hidden dangers found in the two years before the day (not voided)",
    ),
    Feature(
        "majors_2y",
        "近两年 {v} 项重大隐患",
        "major hidden dangers found in the two years before the day",
    ),
    Feature(
        "overdue_open", "{v} 次整改逾期", "hidden dangers open on the day and past their deadline"
    ),
    Feature(
        "returned_2y",
        "{v} 次整改被退回",
        "rectifications returned at acceptance in the two years before the day",
    ),
    Feature(
        "days_to_close",
        "隐患平均 {v} 天销号",
        "mean days from finding to acceptance of those closed in the two years before the day",
    ),
    Feature(
        "selfcheck_missed",
        "自查完成率低（未完成 {v}%）",
        "percent of self-check tasks due in the 180 days before the day not done by the day",
    ),
    Feature(
        "selfcheck_abnormal",
        "自查发现 {v} 项异常",
        "abnormal self-check results recorded in the 180 days before the day",
    ),
    Feature("accidents_3y", "近三年 {v} 起事故", "accidents in the three years before the day"),
    Feature(
        "warnings_1y",
        "近一年 {v} 次预警",
        "early warnings raised on the enterprise in the year before the day",
    ),
    Feature(
        "licence_expired",
        "许可证过期",
        "a licence past its end with none of the same kind valid on the day",
    ),
    Feature(
        "days_since_visit",
        "{v} 天未检查",
        "days since the last submitted inspection (1095 when never)",
    ),
    Feature("in_park", "园区内企业", "the enterprise is in a chemical or industrial park"),
    Feature(
        "credit_grade",
        "信用等级较低",
        "slot: credit grade once the credit app exists",
        available=False,
    ),
    Feature(
        "enforcement_1y",
        "近一年 {v} 次行政处罚",
        "slot: enforcement cases once that app exists",
        available=False,
    ),
]
BY_NAME = {f.name: f for f in FEATURES}
AVAILABLE = [f.name for f in FEATURES if f.available]


SQL = """
WITH pairs AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(days)s::date[]) WITH ORDINALITY AS p(eid, d, k)
), hz AS (
    SELECT p.k,
        count(*) FILTER (WHERE h.found_at::date >= p.d - %(hist)s) AS hazards_2y,
        count(*) FILTER (WHERE h.found_at::date >= p.d - %(hist)s AND h.level = 'major')
            AS majors_2y,
        count(*) FILTER (WHERE h.deadline < p.d
            AND (h.accepted_at IS NULL OR h.accepted_at::date >= p.d)) AS overdue_open,
        avg(h.accepted_at::date - h.found_at::date) FILTER (
            WHERE h.accepted_at::date < p.d AND h.found_at::date >= p.d - %(hist)s)
            AS days_to_close
    FROM pairs p JOIN hazards_hazard h ON h.enterprise_id = p.eid
    WHERE h.found_at::date < p.d AND h.state <> %(voided)s
    GROUP BY p.k
), ret AS (
    SELECT p.k, count(*) AS returned_2y
    FROM pairs p JOIN hazards_hazard h ON h.enterprise_id = p.eid
    JOIN hazards_hazardevent ev ON ev.hazard_id = h.id
    WHERE ev.move = 'return' AND ev.at::date < p.d AND ev.at::date >= p.d - %(hist)s
    GROUP BY p.k
), sc AS (
    SELECT p.k, count(*) AS due_n,
        count(*) FILTER (WHERE r.id IS NULL OR r.recorded_at::date >= p.d) AS missed_n
    FROM pairs p JOIN selfchecks_selfchecktask t ON t.enterprise_id = p.eid
    LEFT JOIN selfchecks_selfcheckrecord r ON r.task_id = t.id
    WHERE t.due_date < p.d AND t.due_date >= p.d - %(sc_days)s
    GROUP BY p.k
), ab AS (
    SELECT p.k, count(*) AS selfcheck_abnormal
    FROM pairs p JOIN selfchecks_selfcheckrecord r ON r.enterprise_id = p.eid
    WHERE r.result = 'abnormal' AND r.recorded_at::date < p.d
      AND r.recorded_at::date >= p.d - %(sc_days)s
    GROUP BY p.k
), acc AS (
    SELECT p.k, count(*) AS accidents_3y
    FROM pairs p JOIN accidents_accident a ON a.enterprise_id = p.eid
    WHERE a.occurred_at::date < p.d AND a.occurred_at::date >= p.d - %(acc_days)s
    GROUP BY p.k
), warn AS (
    SELECT p.k, count(*) AS warnings_1y
    FROM pairs p JOIN alerts_earlywarning w ON w.enterprise_id = p.eid
    WHERE w.raised_at::date < p.d AND w.raised_at::date >= p.d - %(warn_days)s
    GROUP BY p.k
), lic AS (
    SELECT DISTINCT p.k
    FROM pairs p JOIN enterprises_licence l ON l.enterprise_id = p.eid
    WHERE l.valid_to < p.d AND l.valid_from < p.d AND l.status <> 'revoked'
      AND NOT EXISTS (
        SELECT 1 FROM enterprises_licence v
        WHERE v.enterprise_id = l.enterprise_id AND v.kind = l.kind
          AND v.valid_from <= p.d AND v.valid_to >= p.d AND v.status <> 'revoked')
), vis AS (
    SELECT p.k, max(v.submitted_at)::date AS last_day
    FROM pairs p JOIN inspections_visit v ON v.enterprise_id = p.eid
    WHERE v.state = 'submitted' AND v.submitted_at::date < p.d
    GROUP BY p.k
)
SELECT p.k,
    CASE coalesce(rp.level, '') WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2
        WHEN 'blue' THEN 1 ELSE 0 END,
    (coalesce(rp.major_hazard, false) OR e.major_hazard)::int,
    e.dust_explosion::int + e.ammonia_refrigeration::int + e.confined_space::int
        + e.metal_smelting::int + e.hazardous_chemicals::int + e.explosives_production::int,
    (e.sector IN ('explosives', 'metallurgy', 'nonferrous'))::int,
    coalesce(hz.hazards_2y, 0), coalesce(hz.majors_2y, 0), coalesce(hz.overdue_open, 0),
    coalesce(ret.returned_2y, 0), coalesce(hz.days_to_close, 0),
    CASE WHEN coalesce(sc.due_n, 0) = 0 THEN 0 ELSE round(100.0 * sc.missed_n / sc.due_n) END,
    coalesce(ab.selfcheck_abnormal, 0), coalesce(acc.accidents_3y, 0),
    coalesce(warn.warnings_1y, 0), (lic.k IS NOT NULL)::int,
    least(coalesce(p.d - vis.last_day, %(never)s), %(never)s),
    (e.park_id IS NOT NULL)::int,
    0, 0
FROM pairs p
JOIN enterprises_enterprise e ON e.id = p.eid
LEFT JOIN risks_enterpriseriskprofile rp ON rp.enterprise_id = p.eid
LEFT JOIN hz ON hz.k = p.k LEFT JOIN ret ON ret.k = p.k LEFT JOIN sc ON sc.k = p.k
LEFT JOIN ab ON ab.k = p.k LEFT JOIN acc ON acc.k = p.k LEFT JOIN warn ON warn.k = p.k
LEFT JOIN lic ON lic.k = p.k LEFT JOIN vis ON vis.k = p.k
ORDER BY p.k
"""


def compute(enterprise_ids: list[int], days: list[date]) -> np.ndarray:
    """One row per (enterprise, day) pair, in the pairs' order, one column per FEATURES entry."""
    if not enterprise_ids:
        return np.zeros((0, len(FEATURES)))
    params = {
        "ids": list(enterprise_ids),
        "days": list(days),
        "hist": HISTORY_DAYS,
        "sc_days": SELFCHECK_DAYS,
        "acc_days": ACCIDENT_DAYS,
        "warn_days": WARNING_DAYS,
        "never": NEVER_VISITED_DAYS,
        "voided": str(State.VOIDED),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        rows = cursor.fetchall()
    return np.array([[float(x) for x in row[1:]] for row in rows], dtype=float)


def as_of(enterprise_ids: list[int], day: date) -> np.ndarray:
    return compute(enterprise_ids, [day] * len(enterprise_ids))

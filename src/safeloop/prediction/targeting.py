"""The score as one input of the inspections targeting rules.

After the rule-based INSERT (inspections.targeting), the scoring rule in force on the plan's
day adds the enterprises of the plan's region in its top share by score whose probability
reaches the rule's minimum: one set-based UPSERT that appends the reason code “prediction” and
the score with its main contributions in words to a target the rules already chose, or writes a
new target. Nothing is removed, so the coverage rule (and every other rule) still holds.
"""

import json
import math
from datetime import date

import numpy as np
from django.db import connection

from safeloop.prediction import features as F
from safeloop.prediction import learning
from safeloop.prediction.models import ModelRecord, ScoringRule

REASON = "prediction"

POPULATION_SQL = """
SELECT e.id FROM enterprises_enterprise e
WHERE e.deleted_at IS NULL AND e.status IN ('operating', 'suspended')
  AND e.region_code LIKE %(prefix)s
ORDER BY e.id
"""

UPSERT_SQL = """
INSERT INTO inspections_plantarget
    (plan_id, enterprise_id, region_code, risk_level, reasons, reason_text, visits_planned)
SELECT %(plan_id)s, e.id, e.region_code, coalesce(rp.level, ''), %(codes)s::jsonb, s.text, 1
FROM unnest(%(ids)s::bigint[], %(texts)s::text[]) AS s(eid, text)
JOIN enterprises_enterprise e ON e.id = s.eid
LEFT JOIN risks_enterpriseriskprofile rp ON rp.enterprise_id = e.id
ON CONFLICT (plan_id, enterprise_id) DO UPDATE SET
    reasons = inspections_plantarget.reasons || %(codes)s::jsonb,
    reason_text = inspections_plantarget.reason_text || '；' || EXCLUDED.reason_text
"""


def scores(enterprise_ids: list[int], day: date, model: ModelRecord):
    X = F.as_of(enterprise_ids, day)
    p, contributions = learning.score(X, model.features, model.parameters)
    return X, p, contributions


def reason_text(probability: float, explanation: str) -> str:
    text = f"预测发现隐患概率 {probability:.0%}"
    return f"{text}：{explanation}" if explanation else text


def add_targets(plan, *, today: date) -> int:
    """Add the score's choices to the plan's targets; returns how many enterprises it named."""
    rule = ScoringRule.in_force(plan.period_start)
    if rule is None or not rule.enabled:
        return 0
    model = ModelRecord.latest(rule.target)
    if model is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(POPULATION_SQL, {"prefix": plan.region.prefix + "%"})
        ids = [r[0] for r in cursor.fetchall()]
    if not ids:
        return 0
    X, p, contributions = scores(ids, today, model)
    k = max(1, math.ceil(len(ids) * rule.top_share_percent / 100))
    order = np.lexsort((np.array(ids), -p))[:k]
    chosen = [i for i in order if p[i] >= float(rule.min_probability)]
    texts = [
        reason_text(
            float(p[i]),
            learning.explain(
                X[i], contributions[i], model.features, model.parameters, rule.explained_terms
            ),
        )
        for i in chosen
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            UPSERT_SQL,
            {
                "plan_id": plan.pk,
                "ids": [ids[i] for i in chosen],
                "texts": texts,
                "codes": json.dumps([REASON]),
            },
        )
    return len(chosen)

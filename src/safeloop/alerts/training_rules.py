"""The early-warning rule over the training app's records, one SQL SELECT of candidates like
rules.py: 三项岗位 people short of the annual hours (once per enterprise and year) and
principals' or safety managers' certificates lapsing (once per enterprise and end date).

Hours and warning days are the training rules in force (training.TrainingRule, versioned with
their source); the warning rule row holds the switch, the audience and `include_never`."""

from datetime import date

from safeloop.alerts.emergency_rules import NOTHING
from safeloop.alerts.rules import Candidates
from safeloop.training.selectors import gaps


def training_gap(params: dict, today: date) -> Candidates:
    found = gaps(today, include_never=params["include_never"])
    if not found:
        return NOTHING
    return Candidates(
        """
        SELECT 'enterprise', e.id, e.name, g.period, e.region_code, e.id, e.park_id, e.grid_id,
               g.reason, jsonb_build_object('gap', split_part(g.period, ':', 1)),
               '/training/enterprises/' || e.id || '/'
        FROM unnest(%(ids)s::bigint[], %(periods)s::text[], %(reasons)s::text[])
             AS g(enterprise_id, period, reason)
        JOIN enterprises_enterprise e ON e.id = g.enterprise_id
        WHERE e.deleted_at IS NULL
        """,
        {
            "ids": [g.enterprise_id for g in found],
            "periods": [g.period for g in found],
            "reasons": [g.reason for g in found],
        },
    )

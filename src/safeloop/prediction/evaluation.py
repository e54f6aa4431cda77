"""Retrodiction: models trained on history up to a cut-off, replayed over the following months.

Truth: the major (and any) hidden dangers found in the replayed months on enterprises that were
operating or suspended at the cut-off, from any source, not voided — the dangers that existed.
Three orders of the same enterprises, each scored as of the cut-off:
- the model's probability;
- the rule-based plan: the number of targeting rules that hold (accident in the last three
  years, overdue rectifications, expired licence, due by risk-level frequency), then risk level,
  then days since the last inspection;
- random choice (a seeded shuffle; its expected share is the share visited).
Figures: the share of the dangers found in the top 10 % / 20 % of each order, and the average
days sooner a major would have been found if the same number of visits as were really made in
the months replayed had followed that order, evenly spread over the months (a danger is taken
to exist from the cut-off; a visit on the order's day finds it; otherwise it is found when it
really was).
"""

from datetime import date

import numpy as np
from django.db import connection

from safeloop.hazards.choices import State
from safeloop.prediction import features as F
from safeloop.prediction import learning
from safeloop.prediction.choices import Target

SHARES = (10, 20)
# the rule-based plan's frequencies in months by risk rank (blue, yellow, orange, red), as the
# seeded TargetingPolicy; only the order matters here
FREQUENCY_DAYS = {4: 30, 3: 90, 2: 180, 1: 365, 0: 365}

TRUTH_SQL = """
SELECT h.enterprise_id, h.level, h.found_at::date
FROM hazards_hazard h
WHERE h.found_by_regulator AND h.found_at::date >= %(start)s
  AND h.found_at::date < %(end)s AND h.state <> %(voided)s
  AND h.enterprise_id = ANY(%(ids)s)
"""

VISITS_SQL = """
SELECT count(*) FROM inspections_visit
WHERE state = 'submitted' AND submitted_at::date >= %(start)s AND submitted_at::date < %(end)s
"""

POPULATION_SQL = """
SELECT id FROM enterprises_enterprise
WHERE deleted_at IS NULL AND status IN ('operating', 'suspended')
ORDER BY id
"""


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1 if day.day > 28 else day.day)


def rule_order_keys(X: np.ndarray) -> np.ndarray:
    col = {f.name: i for i, f in enumerate(F.FEATURES)}
    rank = X[:, col["risk_rank"]]
    since = X[:, col["days_since_visit"]]
    due = since >= np.vectorize(FREQUENCY_DAYS.get)(rank.astype(int))
    reasons = (
        (X[:, col["accidents_3y"]] > 0).astype(int)
        + (X[:, col["overdue_open"]] > 0)
        + (X[:, col["licence_expired"]] > 0)
        + due
    )
    # larger is earlier: reasons, then level, then days since the last visit
    return reasons * 10_000_000 + rank * 100_000 + since


def _shares(order: np.ndarray, found: np.ndarray) -> dict:
    total = found.sum()
    out = {}
    for share in SHARES:
        k = int(round(len(order) * share / 100))
        out[str(share)] = round(float(found[order[:k]].sum() / total), 4) if total else 0.0
    return out


def _curve(order: np.ndarray, found: np.ndarray, points: int = 20) -> list[float]:
    total = found.sum()
    cum = np.cumsum(found[order])
    n = len(order)
    return [
        round(float(cum[max(0, int(n * i / points) - 1)] / total), 4) if total and i else 0.0
        for i in range(points + 1)
    ]


def _days_sooner(order: np.ndarray, first_major: np.ndarray, visits: int, horizon: int) -> float:
    """Average over the enterprises with a major of (really found − found by this order), ≥ 0."""
    has = first_major >= 0
    if not has.any() or visits <= 0:
        return 0.0
    planned = np.full(len(order), np.inf)
    k = min(visits, len(order))
    planned[order[:k]] = np.arange(k) * horizon / visits
    sooner = np.where(has, np.maximum(0, first_major - planned), 0)
    sooner = np.where(np.isinf(sooner), 0, sooner)
    return round(float(sooner[has].mean()), 1)


def replay(cutoff: date, months: int, params_major: dict, params_any: dict, *, seed: int = 0):
    end = add_months(cutoff, months)
    horizon = (end - cutoff).days
    with connection.cursor() as cursor:
        cursor.execute(POPULATION_SQL, {"d": cutoff})
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            TRUTH_SQL, {"start": cutoff, "end": end, "ids": ids, "voided": str(State.VOIDED)}
        )
        truth = cursor.fetchall()
        cursor.execute(VISITS_SQL, {"start": cutoff, "end": end})
        visits = int(cursor.fetchone()[0])
    X = F.as_of(ids, cutoff)
    position = {eid: i for i, eid in enumerate(ids)}
    majors = np.zeros(len(ids))
    anys = np.zeros(len(ids))
    first_major = np.full(len(ids), -1.0)
    for eid, level, day in truth:
        i = position[eid]
        anys[i] += 1
        if level == "major":
            majors[i] += 1
            offset = (day - cutoff).days
            first_major[i] = offset if first_major[i] < 0 else min(first_major[i], offset)

    rng = np.random.default_rng(seed)
    p_major, _ = learning.score(X, params_major["features"], params_major["parameters"])
    p_any, _ = learning.score(X, params_any["features"], params_any["parameters"])
    ids_arr = np.array(ids)
    orders = {
        "model": np.lexsort((ids_arr, -p_major)),
        "model_any": np.lexsort((ids_arr, -p_any)),
        "rules": np.lexsort((ids_arr, -rule_order_keys(X))),
        "random": rng.permutation(len(ids)),
    }
    results: dict = {
        "cutoff": cutoff.isoformat(),
        "end": end.isoformat(),
        "enterprises": len(ids),
        "majors": int(majors.sum()),
        "hazards": int(anys.sum()),
        "visits": visits,
        "major": {},
        "any": {},
        "days_sooner": {},
        "curves": {},
    }
    for name in ("model", "rules", "random"):
        results["major"][name] = _shares(orders[name], majors)
        results["days_sooner"][name] = _days_sooner(orders[name], first_major, visits, horizon)
        results["curves"][name] = _curve(orders[name], majors)
    for name, key in (("model", "model_any"), ("rules", "rules"), ("random", "random")):
        results["any"][name] = _shares(orders[key], anys)
    # the average of many random draws, for a steadier baseline than one shuffle
    draws = [rng.permutation(len(ids)) for _ in range(20)]
    results["major"]["random_mean"] = {
        str(s): round(float(np.mean([_shares(d, majors)[str(s)] for d in draws])), 4)
        for s in SHARES
    }
    results["targets"] = [Target.MAJOR.value, Target.ANY.value]
    return results

"""Training rows, fitting, scoring and explaining.

A training row is one submitted inspection before the cut-off: its features as of the
inspection's day (features.compute) and its outcome — whether that inspection found a major
hidden danger (or any): a hidden danger found by a regulator on the enterprise on that day, not
voided. The model is scikit-learn's logistic regression over standardised features with a
fixed seed; it is kept as numbers (ModelRecord.parameters), so scoring is one matrix product
and each score splits into per-feature contributions that the targeting reason shows in words.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sklearn
from django.db import connection
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

from safeloop.hazards.choices import State
from safeloop.prediction import features as F
from safeloop.prediction.choices import Target

TRAINING_DAYS = 730  # inspections in the two years before the cut-off
MAX_ROWS = 200_000  # newest first; keeps retraining within minutes on a city's history

LABELS_SQL = """
SELECT v.enterprise_id, v.submitted_at::date AS day,
    EXISTS (SELECT 1 FROM hazards_hazard h WHERE h.enterprise_id = v.enterprise_id
            AND h.found_by_regulator AND h.state <> %(voided)s
            AND h.found_at::date = v.submitted_at::date AND h.level = 'major') AS major,
    EXISTS (SELECT 1 FROM hazards_hazard h WHERE h.enterprise_id = v.enterprise_id
            AND h.found_by_regulator AND h.state <> %(voided)s
            AND h.found_at::date = v.submitted_at::date) AS any
FROM inspections_visit v
WHERE v.state = 'submitted' AND v.submitted_at::date < %(cutoff)s
  AND v.submitted_at::date >= %(start)s
ORDER BY v.submitted_at DESC, v.id DESC
LIMIT %(limit)s
"""


@dataclass
class Dataset:
    enterprise_ids: list[int]
    days: list[date]
    X: np.ndarray
    y_major: np.ndarray
    y_any: np.ndarray


def dataset(cutoff: date, *, days: int = TRAINING_DAYS, limit: int = MAX_ROWS) -> Dataset:
    with connection.cursor() as cursor:
        cursor.execute(
            LABELS_SQL,
            {
                "cutoff": cutoff,
                "start": cutoff - timedelta(days=days),
                "limit": limit,
                "voided": str(State.VOIDED),
            },
        )
        rows = cursor.fetchall()
    ids = [r[0] for r in rows]
    on = [r[1] for r in rows]
    return Dataset(
        ids,
        on,
        F.compute(ids, on),
        np.array([bool(r[2]) for r in rows], dtype=int),
        np.array([bool(r[3]) for r in rows], dtype=int),
    )


def fit(data: Dataset, target: str, *, seed: int = 0) -> dict:
    """Parameters and metrics of one model (of `target`); raises ValueError when the history
    holds only one outcome."""
    y = data.y_major if target == Target.MAJOR else data.y_any
    if len(set(y.tolist())) < 2:
        raise ValueError("one outcome only")
    columns = [i for i, f in enumerate(F.FEATURES) if f.available]
    X = data.X[:, columns]
    # the newest fifth is held out for the metrics, then the model is refitted on all rows
    order = np.argsort(np.array([d.toordinal() for d in data.days]), kind="stable")
    cut = int(len(order) * 0.8)
    train, test = order[:cut], order[cut:]

    def model(rows):
        scaler = StandardScaler().fit(X[rows])
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        clf = LogisticRegression(C=1.0, max_iter=500, random_state=seed)
        clf.fit((X[rows] - scaler.mean_) / scale, y[rows])
        return scaler.mean_, scale, clf

    metrics: dict = {"rows": int(len(y)), "positives": int(y.sum())}
    if len(set(y[train].tolist())) == 2 and len(set(y[test].tolist())) == 2:
        mean, scale, clf = model(train)
        p = clf.predict_proba((X[test] - mean) / scale)[:, 1]
        metrics["holdout_auc"] = round(float(roc_auc_score(y[test], p)), 4)
        metrics["holdout_average_precision"] = round(float(average_precision_score(y[test], p)), 4)
        metrics["holdout_base_rate"] = round(float(y[test].mean()), 4)
    mean, scale, clf = model(np.arange(len(y)))
    names = [F.FEATURES[i].name for i in columns]
    return {
        "features": names,
        "parameters": {
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "coef": [round(float(v), 6) for v in clf.coef_[0]],
            "intercept": round(float(clf.intercept_[0]), 6),
        },
        "metrics": metrics,
        "library": f"scikit-learn {sklearn.__version__}",
    }


def _columns(names: list[str]) -> list[int]:
    index = {f.name: i for i, f in enumerate(F.FEATURES)}
    return [index[n] for n in names]


def score(X: np.ndarray, names: list[str], parameters: dict) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities, and each feature's contribution to them: how much lower the probability
    would be with that feature at the training average (positive = raises the risk)."""
    Xs = X[:, _columns(names)]
    mean = np.array(parameters["mean"])
    scale = np.array(parameters["scale"])
    coef = np.array(parameters["coef"])
    terms = (Xs - mean) / scale * coef
    z = terms.sum(axis=1) + parameters["intercept"]
    p = 1 / (1 + np.exp(-z))
    without = 1 / (1 + np.exp(-(z[:, None] - terms)))
    return p, p[:, None] - without


def explain(
    row: np.ndarray, contributions: np.ndarray, names: list[str], parameters: dict, terms: int
) -> str:
    """The main contributions that raise the risk, in words: “3 次整改逾期 (+0.12)；…”. Only a
    feature above its training average is named (a phrase states a fact of the enterprise)."""
    values = row[_columns(names)]
    mean = parameters["mean"]
    order = np.argsort(-contributions)
    parts: list[str] = []
    for i in order:
        if len(parts) >= terms or contributions[i] < 0.005:
            break
        if values[i] <= mean[i]:
            continue
        feature = F.BY_NAME[names[i]]
        value = values[i]
        shown = int(round(value)) if float(value).is_integer() or value > 10 else round(value, 1)
        parts.append(f"{feature.phrase.format(v=shown)} (+{contributions[i]:.2f})")
    return "；".join(parts)

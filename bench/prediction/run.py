"""Predictive-targeting figures on the benchmark dataset (bench.prediction.generate):
retraining both models on two years of inspections, scoring every enterprise as of a day
(features in SQL, probabilities and contributions, the reason sentences of the top tenth),
and the retrodiction.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_predict_bench \
      .venv/bin/python -m bench.prediction.run
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeloop.core.context import acting_as  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.prediction import learning, services  # noqa: E402
from safeloop.prediction.choices import Target  # noqa: E402
from safeloop.prediction.evaluation import add_months  # noqa: E402
from safeloop.prediction.targeting import reason_text, scores  # noqa: E402


def main():
    today = timezone.localdate()
    cutoff = add_months(today, -6)
    with acting_as(None, request_id="bench-prediction"):
        started = time.monotonic()
        for target in (Target.MAJOR, Target.ANY):
            model = services.train(actor=None, cutoff=today, target=target)
            print(f"v{model.version} {target}: {model.rows:,} inspections, {model.metrics}")
        print(f"retraining (both models): {time.monotonic() - started:.1f} s")

        model = services.train(actor=None, cutoff=today, target=Target.MAJOR)
        ids = list(Enterprise.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
        started = time.monotonic()
        X, p, contributions = scores(ids, today, model)
        top = np.argsort(-p)[: len(ids) // 10]
        texts = [
            reason_text(
                float(p[i]),
                learning.explain(X[i], contributions[i], model.features, model.parameters, 3),
            )
            for i in top
        ]
        print(f"scoring {len(ids):,} enterprises with reasons: {time.monotonic() - started:.1f} s")
        print(f"  e.g. {texts[0]}")

        started = time.monotonic()
        result = services.evaluate(actor=None, cutoff=cutoff, months=6).results
        print(f"retrodiction (two trainings and the replay): {time.monotonic() - started:.1f} s")
    print(
        f"cut-off {result['cutoff']} → {result['end']}: {result['enterprises']:,} enterprises, "
        f"{result['visits']:,} inspections, {result['majors']:,} majors"
    )
    for outcome in ("major", "any"):
        for name, shares in result[outcome].items():
            print(f"  {outcome:5} {name:11} 10 %: {shares['10']:.1%}  top 20 %: {shares['20']:.1%}")
    for name, days in result["days_sooner"].items():
        print(f"  a major found sooner, {name:7}: {days} days on average")


if __name__ == "__main__":
    main()

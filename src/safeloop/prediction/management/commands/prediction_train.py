"""Train the models (major and any hidden danger) on the inspections before a cut-off, fixed
seed, and keep each as a new version; --out also writes the model record as JSON.

    safeloop manage prediction_train --cutoff 2026-12-01 --seed 0 --out model.json
"""

import json
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from safeloop.core.context import acting_as
from safeloop.prediction import services
from safeloop.prediction.choices import Target


class Command(BaseCommand):
    help = "Train the prediction models up to a cut-off date."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", type=date.fromisoformat, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", default="")

    def handle(self, *args, cutoff, seed, out, **options):
        cutoff = cutoff or timezone.localdate()
        records = []
        with acting_as(None, request_id="prediction-train"):
            for target in (Target.MAJOR, Target.ANY):
                record = services.train(actor=None, cutoff=cutoff, target=target, seed=seed)
                records.append(record)
                self.stdout.write(
                    f"v{record.version} {target}: {record.rows} inspections, "
                    f"{record.positives} with the outcome, metrics {record.metrics}"
                )
        if out:
            with open(out, "w", encoding="utf-8") as f:
                json.dump(
                    [
                        {
                            "version": r.version,
                            "target": r.target,
                            "cutoff": r.cutoff.isoformat(),
                            "seed": r.seed,
                            "library": r.library,
                            "features": r.features,
                            "parameters": r.parameters,
                            "metrics": r.metrics,
                        }
                        for r in records
                    ],
                    f,
                    ensure_ascii=False,
                    indent=1,
                )

"""Retrodiction: train up to a cut-off, replay the following months, print the figures of the
report page (and keep them as an Evaluation).

    safeloop manage prediction_evaluate --cutoff 2026-06-01 --months 6 --seed 0
"""

from datetime import date

from django.core.management.base import BaseCommand

from safeloop.core.context import acting_as
from safeloop.prediction import services


class Command(BaseCommand):
    help = "Train up to a cut-off and replay the following months against rules and random."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", type=date.fromisoformat, required=True)
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, cutoff, months, seed, **options):
        with acting_as(None, request_id="prediction-evaluate"):
            result = services.evaluate(actor=None, cutoff=cutoff, months=months, seed=seed)
        r = result.results
        self.stdout.write(
            f"cut-off {r['cutoff']}, replayed to {r['end']}: {r['enterprises']} enterprises, "
            f"{r['visits']} inspections, {r['majors']} major / {r['hazards']} hidden dangers found"
        )
        for outcome in ("major", "any"):
            for name, shares in r[outcome].items():
                self.stdout.write(
                    f"{outcome:5} {name:11} top 10 %: {shares['10']:.1%}  "
                    f"top 20 %: {shares['20']:.1%}"
                )
        for name, days in r["days_sooner"].items():
            self.stdout.write(f"major found sooner by {name:7}: {days} days on average")

"""Run the daily credit pass by hand: records, events, scores, the list triggers and the
automatic removals; --full re-derives every source within the rules' validity instead of the
closings recorded since the previous pass.

    safeloop manage credit_recompute [--day 2026-12-01] [--full]
"""

from datetime import date

from django.core.management.base import BaseCommand

from safeloop.credit import tasks


class Command(BaseCommand):
    help = "Recompute every credit record (the daily credit job)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, default=None)
        parser.add_argument("--full", action="store_true")

    def handle(self, *args, day, full, **options):
        counts = tasks.daily(day, full=full)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))

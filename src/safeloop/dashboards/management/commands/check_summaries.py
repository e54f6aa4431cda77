"""Recompute the dashboard summaries from the base tables and report any difference."""

from django.core.management.base import BaseCommand, CommandError

from safeloop.dashboards import tallies


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="After the check, recount the summaries from the base tables (after a "
            "TRUNCATE or a change of TIME_ZONE).",
        )
        parser.add_argument("--fold", action="store_true", help="Fold pending changes first.")

    def handle(self, *args, rebuild=False, fold=False, **options):
        if fold:
            tallies.fold()
        problems = tallies.differences()
        for line in problems:
            self.stdout.write(line)
        if rebuild:
            tallies.rebuild()
            self.stdout.write("rebuilt from the base tables")
            problems = tallies.differences()
        if problems:
            raise CommandError(f"{len(problems)} summary rows differ from the base tables")
        self.stdout.write(self.style.SUCCESS("summaries equal the base tables"))

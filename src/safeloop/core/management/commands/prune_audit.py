from django.core.management.base import BaseCommand

from safeloop.core import audit
from safeloop.core.context import acting_as


class Command(BaseCommand):
    help = "Delete audit entries older than the retention period (never less than 180 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="Retention in days; defaults to SAFELOOP_AUDIT_RETENTION_DAYS (minimum 180).",
        )

    def handle(self, *args, older_than_days=None, **options):
        with acting_as(None):
            deleted = audit.prune(older_than_days=older_than_days)
        self.stdout.write(f"deleted {deleted} audit entries")

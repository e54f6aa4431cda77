from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeloop.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database, put its uploads back into "
        "the storage (MEDIA_ROOT or the S3 bucket), then check every table's row count and the "
        "audit chain against its manifest; exit status 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="The backup directory.")
        parser.add_argument(
            "--database-url",
            help="The database to restore into (default: DATABASE_URL, the configured one).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that is not empty.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Restore nothing: only check the database against the manifest.",
        )

    def handle(self, *args, source, database_url=None, force=False, verify_only=False, **options):
        try:
            check = backup.restore(
                Path(source),
                database_url=database_url,
                force=force,
                verify_only=verify_only,
                log=self.stdout.write,
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if check.ok:
            self.stdout.write("restored copy matches the manifest: row counts and audit chain")
            return
        for problem in check.problems:
            self.stdout.write(problem)
        raise CommandError(
            f"restored copy differs from the manifest: {len(check.problems)} problem(s), "
            f"first: {check.problems[0]}"
        )

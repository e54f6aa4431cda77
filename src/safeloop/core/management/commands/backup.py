from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeloop.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the uploads (MEDIA_ROOT or the S3 "
        "bucket) into a new directory, with a manifest of every table's row count and the "
        "sealed audit chain's head taken from the dump's own snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="A new or empty directory.")

    def handle(self, *args, out, **options):
        try:
            backup.backup(Path(out), log=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None

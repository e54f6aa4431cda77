from django.core.management.base import BaseCommand
from django.db import connection

from safeloop.core.dbroles import grant_app_role


class Command(BaseCommand):
    help = (
        "Create the application's database role (SAFELOOP_DATABASE_APP_ROLE) if this role may, "
        "and grant it the application's rights; run as the owner. migrate does it too."
    )

    def handle(self, *args, **options):
        if grant_app_role(connection, out=self.stdout):
            self.stdout.write("granted")

from django.core.management.base import BaseCommand

from safeloop.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Load the demo data (Yinchuan organisation, enterprises, one account per role, six months "
        "of history, the last two bulletins). Idempotent."
    )

    def handle(self, *args, **options):
        seed(bulletins=True)
        self.stdout.write("demo data loaded")

"""The hidden-danger list page and API list as each kind of account opens them, on the
ten-million-hazard dataset (read only: sessions are signed cookies, no sign-in is recorded).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_credit_bench \
      .venv/bin/python -m bench.hazards.list_pages [--runs 5] [--timeout 20]

Whole requests through the Django stack (middleware, scope, filters, templates), signed in
with the test client as the city administrator, a county administrator, a park officer and
an enterprise safety manager: the list, its saved views, a state filter, page 2, and the API
list with and without a state. Every statement runs under a `statement_timeout` (20 s by
default, `--timeout`), so a page that would scan the whole scope shows as "timeout". Prints,
per account and page, the status and the p50 and p95 in milliseconds. Asserts nothing.
To time another checkout's code, run this file with `PYTHONPATH=<checkout>/src`.
"""

import argparse
import logging
import os
import statistics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402

from bench.sweep.run import p95, timed  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402

ACCOUNTS = ["city_admin", "county_admin", "park_officer", "safety_manager"]
PAGES = [
    ("list", "/hazards/"),
    ("view todo", "/hazards/?view=todo"),
    ("view acceptance", "/hazards/?view=acceptance"),
    ("view overdue", "/hazards/?view=overdue"),
    ("state rectifying", "/hazards/?state=rectifying"),
    ("page 2", "/hazards/?page=2"),
    ("api", "/api/v1/hazards/"),
    ("api state", "/api/v1/hazards/?state=rectifying"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=20, help="statement_timeout, seconds")
    parser.add_argument("--accounts", nargs="*", default=ACCOUNTS)
    parser.add_argument("--pages", nargs="*", help="page names to run (all by default)")
    ns = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.db.backends").setLevel(logging.CRITICAL)

    def limit(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{ns.timeout}s'")

    connection_created.connect(limit)
    # Read only: no session rows and no last-login update.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.receivers.clear()
    user_logged_in.sender_receivers_cache.clear()
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' asset manifest
    pages = [p for p in PAGES if not ns.pages or p[0] in ns.pages]
    worst = 0.0
    for username in ns.accounts:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            print(f"{username}: no such account", flush=True)
            continue
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(user)
        for name, url in pages:
            statuses, timings, _page = timed(client, url, ns.runs)
            worst = max(worst, p95(timings))
            print(
                f"{username:15} {name:17} {','.join(sorted(statuses)):8} "
                f"p50 {statistics.median(timings):8,.0f} ms   p95 {p95(timings):8,.0f} ms",
                flush=True,
            )
    print(f"worst p95: {worst:,.0f} ms")


if __name__ == "__main__":
    main()

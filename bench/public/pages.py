"""The public side's pages as their users open them, on the reports bench.public.generate
made: without sign-in (home, article lists and pages, the feed, exposure, the report form,
the tracking form) and, signed in as each demo account, the regulators' screens over the
reports (the triage list by state, the rewards, the articles).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.public.pages [--runs 20]

Whole requests through the Django stack. Prints, per account and page, the status and the
p50 and max in milliseconds. Asserts nothing.
"""

import argparse
import logging
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages here are drawn from the apps' static files, not a collected manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.test import Client  # noqa: E402

from safeloop.demo.seed import ACCOUNTS  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402
from safeloop.public.choices import ArticleState, ReportState  # noqa: E402
from safeloop.public.models import Article, PublicReport  # noqa: E402

PUBLIC = [
    ("home", "/public/"),
    ("articles", "/public/articles/"),
    ("cases", "/public/articles/?kind=case"),
    ("feed", "/public/articles/feed.atom"),
    ("exposure", "/public/exposure/"),
    ("report form", "/public/reports/new/"),
    ("track form", "/public/track/"),
]
STAFF = [
    ("triage", "/public-reports/"),
    *((f"triage {s}", f"/public-reports/?state={s}") for s in ReportState.values),
    ("rewards", "/public-reports/rewards/"),
    ("articles", "/public-articles/"),
]


def timed(client: Client, url: str, runs: int) -> tuple[int, list[float]]:
    timings, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status = client.get(url).status_code
        timings.append((time.perf_counter() - started) * 1000)
    return status, timings


def line(who: str, name: str, status: int, timings: list[float]) -> float:
    print(
        f"{who:17} {name:22} {status}  p50 {statistics.median(timings):7,.1f} ms"
        f"   max {max(timings):7,.1f} ms",
        flush=True,
    )
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    ns = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 403/404 are expected
    print(f"{PublicReport.objects.count():,} reports", flush=True)
    pages = list(PUBLIC)
    article = Article.objects.filter(state=ArticleState.PUBLISHED).order_by("-published_at").first()
    if article is not None:
        pages.append(("article", f"/public/articles/{article.pk}/"))
    worst = 0.0
    anonymous = Client(HTTP_HOST="localhost")
    for name, url in pages:
        worst = max(worst, line("(no sign-in)", name, *timed(anonymous, url, ns.runs)))
    for username, *_ in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for name, url in STAFF:
            worst = max(worst, line(username, name, *timed(client, url, ns.runs)))
    print(f"slowest page p50: {worst:,.1f} ms")


if __name__ == "__main__":
    main()

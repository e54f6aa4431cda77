"""Every targets page as each demo account opens it, on the ten-million-hazard dataset of the
dashboard benchmark, after `bench.targets.run` has computed the year's assessment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_targets_bench \
      .venv/bin/python -m bench.targets.pages [--runs 5] [--year 2026]

Whole requests through the Django stack (middleware, scope, templates, PDF and Excel), signed
in as each demo account. Prints, per account and page, the status and the p50 and max in
milliseconds. Asserts nothing.
"""

import argparse
import logging
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeloop.demo.seed import ACCOUNTS  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402
from safeloop.targets.models import Assessment, AssessmentResult  # noqa: E402
from safeloop.targets.selectors import results_for  # noqa: E402


def pages(year: int) -> list[tuple[str, str]]:
    assessment = Assessment.objects.filter(year=year).order_by("-id").first()
    found = [
        ("indicators", f"/targets/?year={year}"),
        ("letters", f"/targets/letters/?year={year}"),
        ("assessment", f"/targets/assessment/?year={year}"),
        ("rules", "/targets/rules/"),
        ("awards", f"/targets/awards/?year={year}"),
    ]
    if assessment is not None:
        result = AssessmentResult.objects.filter(assessment=assessment).order_by("rank").first()
        found += [
            ("report.pdf", f"/targets/assessment/{assessment.pk}/report.pdf"),
            ("results.xlsx", f"/targets/assessment/{assessment.pk}/results.xlsx"),
        ]
        if result is not None:
            found.append(("first line", f"/targets/results/{result.pk}/"))
    return found


def own_line(user, year: int) -> str | None:
    """The first line of the year's assessment this account may open (its county or park)."""
    assessment = Assessment.objects.filter(year=year).order_by("-id").first()
    if assessment is None:
        return None
    row = results_for(user, assessment).first()
    return f"/targets/results/{row.pk}/" if row is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    ns = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 403/404 are expected
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' asset manifest
    targets = pages(ns.year)
    slowest = 0.0
    for username, *_ in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        mine = own_line(user, ns.year)
        for name, url in [*targets, *([("own line", mine)] if mine else [])]:
            timings, status = [], 0
            for _ in range(ns.runs):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            slowest = max(slowest, max(timings))
            print(
                f"{username:17} {name:13} {status}  p50 {statistics.median(timings):7,.0f} ms"
                f"   max {max(timings):7,.0f} ms",
                flush=True,
            )
    print(f"slowest page of any account: {slowest:,.0f} ms")


if __name__ == "__main__":
    main()

"""Tracking page benchmark: the reporter posts a tracking code (and the captcha's answer)
to /public/track/ and gets the status page, through the whole Django stack (middleware,
rate limit counter, captcha check, look-up by hash, template).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.public.run [--queries 500]

Run bench.public.generate first. Prints p50/p95/max in milliseconds for the page and for the
look-up alone.
"""

import argparse
import os
import random
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

from bench.public.generate import code  # noqa: E402
from safeloop.core import captcha  # noqa: E402
from safeloop.public.models import PublicReport  # noqa: E402
from safeloop.public.services import by_code  # noqa: E402


def summary(name: str, timings: list[float]) -> None:
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    total = PublicReport.objects.count()
    bench = PublicReport.objects.filter(description__startswith="基准").count()
    rng = random.Random(1)
    client = Client(HTTP_HOST="localhost")
    page, lookup = [], []
    for n in range(args.queries):
        wanted = code(rng.randint(1, bench))
        challenge = captcha.new("ACDEF")
        started = time.perf_counter()
        response = client.post(
            "/public/track/",
            {"code": wanted, "captcha": "ACDEF", "captcha_token": challenge.token},
            REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        )
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        assert by_code(wanted) is not None
        lookup.append((time.perf_counter() - started) * 1000)
    print(f"{total} reports ({bench} bench), {args.queries} look-ups")
    summary("tracking page", page)
    summary("look-up by code", lookup)


if __name__ == "__main__":
    main()

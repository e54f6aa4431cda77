"""Open311 GET benchmark: requests.json/xml with the spec's filters and the paging
extension, and one request by id, through the whole Django stack (middleware, filters,
the feed's serialisation), against the reports bench.public.generate made.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.public.open311 [--queries 600]

Prints p50/p95/max in milliseconds over all queries, and per kind of query.
"""

import argparse
import os
import random
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Max, Min  # noqa: E402
from django.test import Client  # noqa: E402

from bench.public.run import summary  # noqa: E402
from safeloop.public.models import PublicReport  # noqa: E402

W3C = "%Y-%m-%dT%H:%M:%SZ"


def queries(rng: random.Random, low: int, high: int, newest):
    """(kind, path, parameters) of one query of each kind, chosen at random."""
    start = newest - timedelta(days=rng.randint(1, 60))
    ids = ",".join(str(rng.randint(low, high)) for _ in range(5))
    return [
        ("latest", "/open311/v2/requests.json", {}),
        ("status", "/open311/v2/requests.json", {"status": rng.choice(["open", "closed"])}),
        ("service", "/open311/v2/requests.json", {"service_code": "other,fire-safety"}),
        (
            "dates",
            "/open311/v2/requests.json",
            {
                "start_date": start.strftime(W3C),
                "end_date": (start + timedelta(days=7)).strftime(W3C),
            },
        ),
        ("ids", "/open311/v2/requests.json", {"service_request_id": ids}),
        ("page", "/open311/v2/requests.json", {"page": rng.randint(2, 20), "page_size": 100}),
        ("one", f"/open311/v2/requests/{rng.randint(low, high)}.json", {}),
        ("xml", "/open311/v2/requests.xml", {"status": "open"}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    total = PublicReport.objects.count()
    span = PublicReport.objects.aggregate(low=Min("id"), high=Max("id"), newest=Max("created_at"))
    rng = random.Random(1)
    client = Client(HTTP_HOST="localhost")
    timings: dict[str, list[float]] = {}
    done = 0
    while done < args.queries:
        for kind, path, params in queries(rng, span["low"], span["high"], span["newest"]):
            started = time.perf_counter()
            response = client.get(path, params)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, params, response.content[:300])
            done += 1
    print(f"{total} reports, {done} Open311 GET queries")
    summary("all", [t for kind in timings.values() for t in kind])
    for kind, values in timings.items():
        summary(kind, values)


if __name__ == "__main__":
    main()

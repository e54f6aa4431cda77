"""Nearest-search benchmark: the N nearest available resources of a kind to an enterprise,
through the scoped selector the screens and the API use, as a city administrator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.emergency.run [--queries 500] [--n 5]

Run bench.emergency.generate first. Prints p50/p95/max in milliseconds and checks a sample
of answers against a brute-force order over all rows of the kind.
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from safeloop.emergency.choices import Availability, ResourceKind  # noqa: E402
from safeloop.emergency.models import Resource  # noqa: E402
from safeloop.emergency.nearest import haversine_km  # noqa: E402
from safeloop.emergency.selectors import nearest_for  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()
    user = User.objects.get(username="city_admin")
    assert user.has_role(Role.CITY_ADMIN)
    points = list(
        Enterprise.objects.filter(uscc__startswith="BENCH", latitude__isnull=False)
        .order_by("?")
        .values_list("latitude", "longitude")[: args.queries]
    )
    total = Resource.objects.count()
    enterprises = Enterprise.objects.count()
    rng = random.Random(1)
    timings = []
    checked = 0
    for lat, lng in points:
        kind = rng.choice(ResourceKind.values)
        started = time.perf_counter()
        found = nearest_for(user, kind=kind, latitude=float(lat), longitude=float(lng), n=args.n)
        timings.append((time.perf_counter() - started) * 1000)
        if checked < 20:
            rows = Resource.objects.filter(kind=kind, availability=Availability.AVAILABLE)
            ranked = sorted(
                rows.values_list("pk", "latitude", "longitude"),
                key=lambda r: (haversine_km(float(lat), float(lng), r[1], r[2]), r[0]),
            )
            assert [r.pk for r in found] == [r[0] for r in ranked[: args.n]]
            checked += 1
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"nearest {args.n} of a kind, {total} resources, {enterprises} enterprises, "
        f"{len(timings)} queries: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; {checked} answers equal brute force"
    )


if __name__ == "__main__":
    main()

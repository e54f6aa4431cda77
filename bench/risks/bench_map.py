"""Four-colour map data endpoint: time per request and payload size.

    DATABASE_URL=… .venv/bin/python bench/risks/generate.py 100000
    DATABASE_URL=… .venv/bin/python bench/risks/bench_map.py [runs]

Requests go through the whole Django stack (middleware, session auth, scope) with the test
client, as a city administrator of 银川市 who sees every generated enterprise. "Cold" clears
the cache before each request, so PostgreSQL builds the payload every time; "warm" serves
the payload cached under the current map version.
"""

import gzip
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from safeloop.orgs.models import Region, RoleAssignment, User  # noqa: E402
from safeloop.orgs.roles import Role  # noqa: E402


def main(runs: int = 20) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(username="bench_city_admin")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CITY_ADMIN, region=Region.objects.get(code="640100")
    )
    client = Client()
    client.force_login(user)
    client.get("/risks/map/data.json")  # warm up the connection
    body = b""
    for label, cold in (("cold (payload built)", True), ("warm (cached payload)", False)):
        times = []
        for _ in range(runs):
            if cold:
                cache.clear()
            t = time.perf_counter()
            response = client.get("/risks/map/data.json")
            times.append((time.perf_counter() - t) * 1000)
            body = response.content
            assert response.status_code == 200
        print(
            f"{label}, ms per request: median {statistics.median(times):.0f}, "
            f"p95 {percentile(times, 95):.0f}, min {min(times):.0f}, "
            f"max {max(times):.0f} over {runs} runs"
        )
    groups = json.loads(body)["groups"]
    print(f"enterprises in payload: {sum(len(g[3]) // 3 for g in groups)} in {len(groups)} groups")
    t = time.perf_counter()
    packed = gzip.compress(body, 6)
    took = (time.perf_counter() - t) * 1000
    print(
        f"payload: {len(body) / 1e6:.2f} MB raw, {len(packed) / 1e6:.2f} MB gzip "
        f"(level 6, {took:.0f} ms to compress)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def percentile(values, p) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

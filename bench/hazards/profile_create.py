"""One hazard creation through the API, end to end in-process: the queries it makes (with
their SQL) and, when pyinstrument is installed in the venv, where the CPU time goes.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.hazards.profile_create [--cpu N]

Uses the demo account `safety_manager` and token authentication, as bench.hazards.run does.
Writes hazards; run it on a benchmark or development database.
"""

import argparse
import json
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
os.environ.setdefault("SAFELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.tokens import bench_token  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402


def request_factory():
    user = User.objects.get(username="safety_manager")
    secret = bench_token(user)
    enterprise = user.role_assignments.first().enterprise_id
    body = json.dumps(
        {
            "enterprise": enterprise,
            "source": "1",
            "category": "7",
            "place": "基准车间",
            "description": "基准写入",
            "deadline_working_days": 10,
        }
    )
    client = Client(HTTP_AUTHORIZATION=f"Token {secret}")

    def create():
        response = client.post("/api/v1/hazards/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]
        return response

    return create


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, default=200, help="creations to profile")
    ns = parser.parse_args()
    create = request_factory()
    for _ in range(5):  # warm: caches, connections, imports
        create()
    with CaptureQueriesContext(connection) as queries:
        response = create()
    print(f"# One creation: {len(queries)} queries, response {len(response.content)} bytes")
    for i, q in enumerate(queries.captured_queries, 1):
        print(f"{i:3d} {float(q['time']) * 1000:6.2f} ms  {q['sql'][:160]}")
    started = time.perf_counter()
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    profiler = Profiler(interval=0.0005) if Profiler else None
    if profiler:
        profiler.start()
    for _ in range(ns.cpu):
        create()
    if profiler:
        profiler.stop()
    seconds = time.perf_counter() - started
    print(
        f"\n# {ns.cpu} creations in-process, one at a time: {seconds / ns.cpu * 1000:.1f} ms each"
    )
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()

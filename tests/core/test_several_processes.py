"""Several processes against one database and one bucket: two `safeloop serve` (gunicorn) on
their own ports and two `safeloop worker`, all real processes on the test database and a real
moto S3 server. A photo uploaded through one web process is served by the other; queued jobs
spread over both workers and each runs exactly once (procrastinate's locking); concurrent
version-checked edits through both web processes lose no write: one wins, the other gets 409."""

import http.client
import json
import os
import sys
import threading

import pytest
from django.db import connection

from safeloop.core.models import ExportFile
from safeloop.hazards.models import Hazard, HazardPhoto
from safeloop.orgs.roles import Role
from safeloop.orgs.tokens import create_token
from tests.conftest import database_url, wait_for
from tests.s3 import free_port, moto_server, new_bucket

EXPORTS = 10
ROUNDS = 5


def call(port: int, method: str, path: str, *, body=None, headers=None):
    """(status, body) from the web process on `port`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def rows(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_two_web_and_two_worker_processes_share_the_database_and_the_bucket(world, tmp_path):
    from bench.faults.run import PHOTO, PLAN, Proc, _wait_serving, multipart, session_headers

    manager, admin = world.user(Role.SAFETY_MANAGER), world.user(Role.CITY_ADMIN)
    _, token = create_token(actor=manager, name="多进程")
    api = {"Authorization": f"Token {token}"}
    # procrastinate's tables are not flushed between tests: only this test's jobs count
    since = rows("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")[0][0]
    with moto_server(tmp_path / "moto.log") as endpoint:
        bucket = new_bucket(endpoint)
        env = {
            **os.environ,
            **bucket.env,
            "DATABASE_URL": database_url(),
            "SAFELOOP_MEDIA_ROOT": str(tmp_path / "media-never-written"),
            "SAFELOOP_ALLOWED_HOSTS": "127.0.0.1",
            "SAFELOOP_ACCESS_LOG": "off",
            "SAFELOOP_EXPORT_INLINE_ROWS": "-1",  # every export is a job
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        first = free_port()
        ports = [first, free_port(first)]
        serve = [sys.executable, "-m", "safeloop.cli", "serve", "--workers", "1", "--bind"]
        procs = [
            *(
                Proc(f"web {p}", [*serve, f"127.0.0.1:{p}"], env, tmp_path / f"web-{p}.log")
                for p in ports
            ),
            *(
                Proc(
                    f"worker {n}",
                    [sys.executable, "-m", "safeloop.cli", "worker"],
                    env,
                    tmp_path / f"worker-{n}.log",
                )
                for n in (1, 2)
            ),
        ]
        try:
            for proc in procs:
                proc.start()
            _wait_serving(ports)
            wait_for(
                lambda: rows("SELECT count(*) FROM procrastinate_workers")[0][0] == 2,
                "both workers to register",
            )
            one, other = ports

            # An upload through one web process, served by the other from the bucket.
            status, created = call(
                one,
                "POST",
                "/api/v1/hazards/",
                body=json.dumps(
                    {
                        "enterprise": world.inside.pk,
                        "source": "1",
                        "category": "7",
                        "place": "冲压车间",
                        "description": "多进程写入",
                        "deadline_working_days": 10,
                    }
                ),
                headers={**api, "Content-Type": "application/json", "Idempotency-Key": "mp-1"},
            )
            assert status == 201, created
            hazard = json.loads(created)
            form, kind = multipart("file", "site.png", PHOTO, {"stage": "before"})
            status, added = call(
                one,
                "POST",
                f"/api/v1/hazards/{hazard['id']}/photos/",
                body=form,
                headers={**api, "Content-Type": kind},
            )
            assert status == 201, added
            stored = HazardPhoto.objects.get(pk=json.loads(added)["id"])
            assert stored.image.name in bucket.stored()
            url = f"/api/v1/hazards/{hazard['id']}/photos/{stored.pk}/"
            assert call(other, "GET", url, headers=api) == (200, bucket.get(stored.image.name))

            # The same version sent through both at once: one write wins, the other is 409.
            version, winners = hazard["version"], []
            for n in range(ROUNDS):
                answers: dict = {}
                start = threading.Barrier(2)

                def edit(port, n=n, version=version, answers=answers, start=start):
                    fields = {**PLAN, "measures": f"第{n}轮经{port}", "version": version}
                    start.wait()
                    answers[port] = call(
                        port,
                        "POST",
                        f"/api/v1/hazards/{hazard['id']}/plan/",
                        body=json.dumps(fields),
                        headers={**api, "Content-Type": "application/json"},
                    )

                threads = [threading.Thread(target=edit, args=(p,)) for p in ports]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                statuses = sorted(status for status, _ in answers.values())
                assert statuses == [200, 409], answers
                won = next(p for p, (status, _) in answers.items() if status == 200)
                lost = next(p for p in ports if p != won)
                assert json.loads(answers[lost][1])["error"]["code"] == "conflict"
                version = json.loads(answers[won][1])["version"]
                winners.append(won)
            saved = Hazard.objects.get(pk=hazard["id"])
            assert saved.version == version
            assert saved.measures == f"第{ROUNDS - 1}轮经{winners[-1]}"

            # Jobs queued through both web processes: spread over both workers, each run once.
            session = session_headers(admin)
            for n in range(EXPORTS):
                status, _ = call(ports[n % 2], "GET", "/hazards/export.xlsx", headers=session)
                assert status == 302
            # The job writes the file before the worker records the job as finished: wait for both.
            wait_for(
                lambda: (
                    ExportFile.objects.filter(state="done").count() == EXPORTS
                    and not rows(
                        "SELECT 1 FROM procrastinate_jobs WHERE task_name = 'core.run_export' "
                        "AND id > %s AND status IN ('todo', 'doing')",
                        [since],
                    )
                ),
                "the exports to be built and their jobs finished",
            )
            jobs = rows(
                "SELECT j.id, j.status, j.attempts, j.worker_id, count(e.id) "
                "FROM procrastinate_jobs j LEFT JOIN procrastinate_events e "
                "ON e.job_id = j.id AND e.type = 'started' "
                "WHERE j.task_name = 'core.run_export' AND j.id > %s GROUP BY j.id",
                [since],
            )
            assert len(jobs) == EXPORTS
            assert {(status, attempts, started) for _, status, attempts, _, started in jobs} == {
                ("succeeded", 1, 1)
            }
            assert len({worker for *_, worker, _ in jobs}) == 2, jobs
            for n, export in enumerate(ExportFile.objects.all()):
                path = f"/exports/{export.pk}/file/"
                got = call(ports[n % 2], "GET", path, headers=session)
                assert got == (200, bucket.get(export.file.name))
        finally:
            for proc in procs:
                proc.stop()
    assert not (tmp_path / "media-never-written").exists()

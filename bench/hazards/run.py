"""Hidden-danger benchmarks: the daily overdue scan, the filtered list, and the write path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench \
      .venv/bin/python -m bench.hazards.run [--skip-write | --only-write] [--clients 16] \
      [--seconds 20] [--workers 1] [--threads 16] [--access-log on|off]

The write path serves with one gthread worker of 16 threads by default: on the 2-core
machine it shares with PostgreSQL, one process (one GIL) leaves a core to the database and
its threads overlap the waits on it; more processes only contended (docs/hazards.md).

Prints figures; asserts nothing. Generate the data first with bench.hazards.generate.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
os.environ.setdefault("SAFELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.tokens import bench_token  # noqa: E402
from safeloop.hazards import tasks  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def overdue_scan(days_ahead: int):
    """The daily scan as it runs on day `today + days_ahead`: the first run finds that day's
    new work, the second finds none. Each bench run moves the data on: pass a larger
    --days-ahead next time (or regenerate)."""
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=days_ahead)
    open_count = Hazard.objects.filter(state__in=["pending", "rectifying", "awaiting"]).count()
    print(f"\n## Overdue scan on {day} ({Hazard.objects.count():,} hazards, {open_count:,} open)")
    for label in ["first run of the day", "second run (nothing new)"]:
        started = time.perf_counter()
        result = tasks.scan_overdue(today=day)
        print(f"  {label}: {ms(time.perf_counter() - started)}  {result}")


def hazard_list(runs: int):
    user = User.objects.get(username="county_admin")  # 兴庆区 640104
    client = Client()
    client.force_login(user)
    url = "/api/v1/hazards/?region=640104&state=rectifying"
    client.get(url)  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    count = response.json()["count"]
    print(f"\n## Hazard list, county 640104, state rectifying ({count:,} rows match)")
    print(
        f"  p50 {ms(statistics.median(samples))}  p95 {ms(percentile(samples, 95))}  "
        f"(server time in-process, {runs} requests)"
    )


def _serve(port: int, workers: int, threads: int, access_log: str):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    env = {
        **os.environ,
        "SAFELOOP_ALLOWED_HOSTS": "127.0.0.1",
        "SAFELOOP_THREADS": str(threads),
        "SAFELOOP_ACCESS_LOG": access_log,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "safeloop.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(port):
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/login/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _backends(database: str) -> list[int]:
    """PostgreSQL backends serving `database` (their process title names it)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    title = f.read()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                pids.append(int(entry))
    return pids


class CpuMeter:
    """CPU seconds spent by changing sets of processes while a load runs: sampled from
    /proc twice a second, so that the cost per request is known whatever else the shared
    machine is doing."""

    def __init__(self, **groups):
        self.groups = groups  # name → function returning the pids to watch
        self.first, self.last = {}, {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        for name, pids in self.groups.items():
            for pid in pids():
                seconds = _cpu_seconds(pid)
                if seconds is not None:
                    self.first.setdefault((name, pid), seconds)
                    self.last[(name, pid)] = seconds

    def _run(self):
        while not self.done.wait(0.5):
            self._sample()

    def __enter__(self):
        self._sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._sample()
        self.done.set()
        self.thread.join()

    def seconds(self, name: str) -> float:
        return sum(self.last[k] - self.first[k] for k in self.last if k[0] == name)


def write_path(clients: int, seconds: float, workers: int, threads: int, access_log: str):
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
    port = 8765
    server = _serve(port, workers, threads, access_log)
    database = settings.DATABASES["default"]["NAME"]

    def meter():
        return CpuMeter(app=lambda: _children(server.pid), db=lambda: _backends(database))

    headers = {"Authorization": f"Token {secret}", "Content-Type": "application/json"}
    try:
        _wait(port)
        created = _load(port, clients, seconds, body, headers, 201, meter())
        # The same request without its token: refused before any query. What the server
        # stack alone (gunicorn, middleware, routing, DRF) costs, the floor under a creation.
        refused = _load(
            port, clients, seconds, body, {"Content-Type": "application/json"}, 401, meter()
        )
    finally:
        server.terminate()
        server.wait()
    print(
        f"\n## Write path: hazard creation through the API, {clients} clients, loopback; "
        f"gunicorn {workers} workers × {threads} threads, access log {access_log}"
    )
    for label, run in (("creation", created), ("refused, no token (the stack's floor)", refused)):
        n, app, db = run["n"], run["app"], run["db"]
        print(
            f"  {label}: {n:,} requests in {run['elapsed']:.1f} s: {run['rate']:.0f} req/s, "
            f"p50 {ms(run['p50'])}, p99 {ms(run['p99'])}; CPU per request: web workers "
            f"{ms(app)}, PostgreSQL {ms(db)}, load clients {ms(run['client'])}"
        )
    api_rate, app, db, client_cpu = (created[k] for k in ("rate", "app", "db", "client"))
    pg_rate, pg_cpu = pgbench(clients, seconds, enterprise, user.pk)
    print(f"  pgbench, same SQL transaction (hazard + event + audit): {pg_rate:.0f} tps")
    print(f"  CPU per transaction: PostgreSQL {ms(pg_cpu['db'])}, pgbench {ms(pg_cpu['client'])}")
    print(f"  ratio API / pgbench: {api_rate / pg_rate:.2f}")
    print(f"  ratio of the refused requests (no query) / pgbench: {refused['rate'] / pg_rate:.2f}")
    cores = os.cpu_count()
    print(
        f"  bound on {cores} idle cores: API {cores / (app + db + client_cpu):.0f} req/s, "
        f"pgbench {cores / (pg_cpu['db'] + pg_cpu['client']):.0f} tps"
    )


def _load(port, clients, seconds, body, headers, expected, meter) -> dict:
    """`clients` threads POST the body for `seconds`; latencies, rate and CPU per request."""
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client_loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            conn.request("POST", "/api/v1/hazards/", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            if response.status != expected:
                errors.append((response.status, answer[:200]))
                break
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=client_loop) for _ in range(clients)]
    client_cpu = time.process_time()
    with meter:
        started = time.monotonic()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.monotonic() - started
    client_cpu = time.process_time() - client_cpu
    if errors or not latencies:
        raise SystemExit(f"the API answered {errors[:3]}; no figures")
    n = len(latencies)
    return {
        "n": n,
        "elapsed": elapsed,
        "rate": n / elapsed,
        "p50": statistics.median(latencies),
        "p99": percentile(latencies, 99),
        "app": meter.seconds("app") / n,
        "db": meter.seconds("db") / n,
        "client": client_cpu / n,
    }


PGBENCH_SCRIPT = """
BEGIN;
INSERT INTO hazards_hazard ({columns}) VALUES ({values}) RETURNING id \\gset
INSERT INTO hazards_hazardevent (hazard_id, at, actor_id, move, from_state, to_state, note)
  VALUES (:id, now(), {user}, 'register', '', 'rectifying', '');
INSERT INTO core_auditentry (at, actor_id, actor_label, action, content_type_id, object_id,
  object_repr, region_code, changes, request_id, ip)
  VALUES (now(), {user}, 'safety_manager', 'hazards.hazard.register', {ctype}, :id::text,
  '基准', '640105', '{{"state": [null, "rectifying"]}}', 'bench', '127.0.0.1');
COMMIT;
"""


def pgbench(clients: int, seconds: float, enterprise: int, user: int) -> tuple[float, dict]:
    from django.contrib.contenttypes.models import ContentType

    from bench.sqlgen import _default

    fields = [f for f in Hazard._meta.concrete_fields if not f.primary_key]
    given = {
        "enterprise_id": str(enterprise),
        "state": "'rectifying'",
        "level": "'general'",
        "source": "'1'",
        "category": "'7'",
        "place": "'基准车间'",
        "description": "'基准写入'",
        "deadline": "current_date + 14",
        "version": "1",
        "created_by_id": str(user),
        "found_by_id": str(user),
    }
    script = PGBENCH_SCRIPT.format(
        columns=", ".join(f.column for f in fields),
        values=", ".join(given.get(f.attname, _default(f)) for f in fields),
        user=user,
        ctype=ContentType.objects.get_for_model(Hazard).pk,
    )
    binary = shutil.which("pgbench") or next(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    db = settings.DATABASES["default"]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    before = os.times()
    meter = CpuMeter(db=lambda: _backends(db["NAME"]))
    with meter:
        out = subprocess.run(
            [
                str(binary),
                "-n",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(int(seconds)),
                "-f",
                f.name,
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"],
                db["NAME"],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    after = os.times()
    tps = [line for line in out.splitlines() if line.startswith("tps")][0]
    done = [line for line in out.splitlines() if "transactions actually processed" in line][0]
    count = int(done.split(":")[1].split("/")[0])
    client = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return float(tps.split("=")[1].split()[0]), {
        "db": meter.seconds("db") / count,
        "client": client / count,
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--skip-write", action="store_true")
    parser.add_argument("--only-write", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=16, help="more than 1: gthread workers")
    parser.add_argument("--access-log", default="off", choices=["on", "off"])
    parser.add_argument(
        "--days-ahead",
        type=int,
        default=1,
        help="scan as of this many days after today (see overdue_scan)",
    )
    ns = parser.parse_args()
    print(
        f"# Hidden-danger benchmarks on {connection.settings_dict['NAME']} ({os.cpu_count()} cores)"
    )
    if not ns.only_write:
        overdue_scan(ns.days_ahead)
        hazard_list(ns.runs)
    if not ns.skip_write:
        write_path(ns.clients, ns.seconds, ns.workers, ns.threads, ns.access_log)


if __name__ == "__main__":
    main()

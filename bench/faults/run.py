"""Fault drill: `kill -9` web servers and the worker under a write load, then check that no
record was left half-written, no job is stuck, and every answered write is really there.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_faults \
      .venv/bin/python -m bench.faults.run [--seconds 60] [--kills 6] [--web 2] [--clients 3]

The database is migrated and seeded with the demo data first when it has no demo accounts.
`--web` servers (`safeloop serve --workers 1`, each on its own port) and one `safeloop worker`
run as their own process groups. Load clients, over HTTP on loopback:

- hazard writers (the API, a token): register a hazard (an Idempotency-Key each), then submit
  it for acceptance;
- a ledger importer (the pages, a session and the CSRF token): upload a small spreadsheet of
  new enterprises, wait for the worker's check, confirm; every file is a background job
  (SAFELOOP_LEDGER_IMPORT_SYNC_BYTES=1);
- an exporter: the hidden-danger list export, queued for the worker
  (SAFELOOP_EXPORT_INLINE_ROWS=1).

At random moments a web server or the worker gets SIGKILL (its whole process group, in the
middle of whatever it does) and is started again a second later. At the end the load stops,
the worker drains the queue, everything stops, the stalled-work recovery runs with a short
timeout, the audit log is sealed, and the checks run. Exit status 1 when any check fails.
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
os.environ.setdefault("SAFELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from PIL import Image  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from safeloop.core import audit, stalled  # noqa: E402
from safeloop.enterprises import columns as C  # noqa: E402

CREATION_MOVES = ("register", "fix_on_spot", "report")
WORKING_BATCH = ("uploaded", "checking", "applying")
DOING = (
    "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND queue_name <> 'maintenance'"
)
# Work the worker still has: due jobs to do, and jobs doing under a live worker (a heartbeat
# every 10 s); a killed worker's job waits for the recovery instead.
PENDING = """
    SELECT count(*) FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w
      ON w.id = j.worker_id
    WHERE j.queue_name <> 'maintenance' AND (
      (j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now()))
      OR (j.status = 'doing' AND w.last_heartbeat > now() - interval '12 seconds'))
"""
PLAN = {
    "measures": "更换防护栏",
    "funds_budgeted": "1000.00",
    "responsible_person": "张三",
    "emergency_measures": "设置警戒区",
}


# ---------------------------------------------------------------- processes


class Proc:
    """One server command in its own process group, so that SIGKILL takes it whole (a
    gunicorn master and its worker) in the middle of whatever it does."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        out = open(self.log, "ab")  # noqa: SIM115 — the child keeps it
        self.popen = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            self.command,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

    def kill(self) -> None:
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        self.kills += 1

    def stop(self) -> None:
        """SIGTERM, as a supervisor stops it; SIGKILL after 30 s."""
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(ProcessLookupError):  # a gunicorn worker left behind
            os.killpg(self.popen.pid, signal.SIGKILL)


def _serving(port: int) -> bool:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/login/")
        c.getresponse().read()
        return True
    except OSError:
        return False


def _wait_serving(ports, timeout=90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(_serving(p) for p in ports):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the servers on {ports} did not start")


# ---------------------------------------------------------------- load


@dataclass
class Ledger:
    """What the clients sent and what they were told."""

    outcomes: Counter = field(default_factory=Counter)  # (kind, outcome) → n
    created: dict = field(default_factory=dict)  # hazard id → version answered
    moved: dict = field(default_factory=dict)  # hazard id → (state, version) answered
    uploaded: dict = field(default_factory=dict)  # batch token → USCCs in its file
    confirmed: set = field(default_factory=set)  # batch tokens whose confirm got a redirect
    exports: set = field(default_factory=set)  # export ids a redirect named
    photos: set = field(default_factory=set)  # photo ids answered 201
    server_errors: list = field(default_factory=list)
    clean_errors: Counter = field(default_factory=Counter)  # (kind, status, body start) → n
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str, outcome: str) -> None:
        with self.lock:
            self.outcomes[(kind, outcome)] += 1


class Dropped(Exception):
    pass


def request(ports, method, path, *, body=None, headers=None, timeout=60):
    """(status, headers, body) from one of the servers, or Dropped when the connection was
    refused, reset or closed without an answer."""
    port = random.choice(ports)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (OSError, http.client.HTTPException) as error:
        raise Dropped(type(error).__name__) from error
    finally:
        conn.close()


def outcome(status: int) -> str:
    if 200 <= status < 400:
        return "ok"
    return "server error" if status >= 500 else "clean error"


def _call(ledger: Ledger, kind: str, ports, method, path, **kw):
    try:
        status, headers, body = request(ports, method, path, **kw)
    except Dropped:
        ledger.count(kind, "dropped")
        time.sleep(0.2)  # a server restarting: not a busy loop on a refused port
        return None
    result = outcome(status)
    ledger.count(kind, result)
    if result == "clean error":
        with ledger.lock:
            ledger.clean_errors[(kind, status, body[:120].decode(errors="replace"))] += 1
    if result == "server error":
        with ledger.lock:
            ledger.server_errors.append((kind, status, body[:300]))
    return status, headers, body


def hazard_writer(ledger: Ledger, ports, token: str, enterprise: int, stop: threading.Event):
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    while not stop.is_set():
        body = json.dumps(
            {
                "enterprise": enterprise,
                "source": "1",
                "category": "7",
                "place": "故障演练车间",
                "description": "故障演练写入",
                "deadline_working_days": 10,
            }
        )
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        answer = _call(
            ledger, "hazard create", ports, "POST", "/api/v1/hazards/", body=body, headers=headers
        )
        if not answer or answer[0] != 201:
            continue
        created = json.loads(answer[2])
        with ledger.lock:
            ledger.created[created["id"]] = created.get("version", 1)
        # The plan (stays rectifying), a photo after rectification, then submitted.
        version = created["version"]
        for move, fields in (("plan", PLAN), ("photos", None), ("submit", {"evidence": "已整改"})):
            path = f"/api/v1/hazards/{created['id']}/{move}/"
            if fields is None:
                body, kind = multipart("file", "after.png", PHOTO, {"stage": "after"})
                headers = {"Authorization": auth["Authorization"], "Content-Type": kind}
                answer = _call(
                    ledger, "hazard photo", ports, "POST", path, body=body, headers=headers
                )
                if not answer or answer[0] != 201:
                    break
                with ledger.lock:
                    ledger.photos.add(json.loads(answer[2])["id"])
                continue
            body = json.dumps({**fields, "version": version})
            answer = _call(ledger, f"hazard {move}", ports, "POST", path, body=body, headers=auth)
            if not answer or answer[0] != 200:
                break
            moved = json.loads(answer[2])
            version = moved["version"]
            with ledger.lock:
                ledger.moved[created["id"]] = (moved["state"], version)


def session_headers(user) -> dict:
    """A signed-in session for `user`, made as the login page would, and a CSRF token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = get_random_string(32)
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    )
    return {"Cookie": cookie, "X-CSRFToken": csrf}


def ledger_file(usccs: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = C.SHEET
    ws.append(C.HEADERS)
    values = {
        "所属县区": "兴庆区",
        "行业代码": "3311",
        "规模": "小型",
        "从业人数": 30,
        "状态": "正常生产",
    }
    for n, code in enumerate(usccs):
        row = {**values, "统一社会信用代码": code, "企业名称": f"故障演练企业{code[-8:]}{n}"}
        ws.append([row.get(h) for h in C.HEADERS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def multipart(name: str, filename: str, content: bytes, fields=None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in (fields or {}).items()
    ]
    parts.append(
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 160, 60)).save(out, format="PNG")
    return out.getvalue()


PHOTO = _png()


def _batch_status(token: str) -> str | None:
    from safeloop.enterprises.models import ImportBatch

    return ImportBatch.objects.filter(token=token).values_list("status", flat=True).first()


def importer(ledger: Ledger, ports, session: dict, stop: threading.Event, rows: int):
    try:
        _import_loop(ledger, ports, session, stop, rows)
    finally:
        connection.close()  # this thread's own, opened by the status reads


def _import_loop(ledger: Ledger, ports, session: dict, stop: threading.Event, rows: int):
    serial = random.randrange(10**8, 9 * 10**8)
    while not stop.is_set():
        codes = []
        for _ in range(rows):
            serial += 1
            body = f"91640104{serial:09d}"
            codes.append(body + uscc.calc_check_digit(body))
        content, kind = multipart("file", "台账.xlsx", ledger_file(codes))
        headers = {**session, "Content-Type": kind}
        answer = _call(
            ledger,
            "import upload",
            ports,
            "POST",
            "/enterprises/import/",
            body=content,
            headers=headers,
        )
        if not answer or answer[0] != 302:
            time.sleep(0.5)
            continue
        token = answer[1]["Location"].rstrip("/").rsplit("/", 1)[-1]
        with ledger.lock:
            ledger.uploaded[token] = codes
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _batch_status(token) == "checking":
            if stop.wait(0.3):
                return
        if _batch_status(token) != "checked":
            continue  # failed (its check was killed): the next file
        path = f"/enterprises/import/{token}/confirm/"
        answer = _call(ledger, "import confirm", ports, "POST", path, body=b"", headers=session)
        if answer and answer[0] == 302:
            with ledger.lock:
                ledger.confirmed.add(token)
        stop.wait(0.5)


def exporter(ledger: Ledger, ports, session: dict, stop: threading.Event):
    while not stop.wait(2):
        answer = _call(
            ledger,
            "hazard export",
            ports,
            "GET",
            "/hazards/export.xlsx?state=rectifying",
            headers=session,
        )
        if answer and answer[0] == 302:
            found = re.search(r"#export-(\d+)", answer[1].get("Location", ""))
            if found:
                with ledger.lock:
                    ledger.exports.add(int(found[1]))


# ---------------------------------------------------------------- checks


def _one(sql: str, params=()):
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchone()[0]


def check(
    ledger: Ledger, since_hazard: int, media: Path | None = None
) -> list[tuple[str, bool, str]]:
    from safeloop.core.models import ExportFile
    from safeloop.enterprises.models import Enterprise, ImportBatch
    from safeloop.hazards.models import Hazard, HazardPhoto

    results = []

    def add(name, ok, detail=""):
        results.append((name, bool(ok), detail))

    hazard_type = _one(
        "SELECT id FROM django_content_type WHERE app_label = 'hazards' AND model = 'hazard'"
    )
    # The hazards written during the drill: demo data is loaded without its history.
    total = _one("SELECT count(*) FROM hazards_hazard WHERE id > %s", [since_hazard])
    no_audit = _one(
        """SELECT count(*) FROM hazards_hazard h WHERE h.id > %s AND NOT EXISTS (
             SELECT 1 FROM core_auditentry a WHERE a.content_type_id = %s
               AND a.object_id = h.id::text AND a.action = ANY(%s))""",
        [since_hazard, hazard_type, [f"hazards.hazard.{m}" for m in CREATION_MOVES]],
    )
    add(
        "every hazard has its creation audit entry", no_audit == 0, f"{no_audit} of {total} without"
    )
    no_event = _one(
        """SELECT count(*) FROM hazards_hazard h WHERE h.id > %s AND NOT EXISTS (
             SELECT 1 FROM hazards_hazardevent e WHERE e.hazard_id = h.id
               AND e.from_state = '' AND e.move = ANY(%s))""",
        [since_hazard, list(CREATION_MOVES)],
    )
    add("every hazard has its first event", no_event == 0, f"{no_event} without")
    mismatched = _one(
        """SELECT count(*) FROM hazards_hazard h JOIN LATERAL (
             SELECT to_state FROM hazards_hazardevent e WHERE e.hazard_id = h.id
             ORDER BY e.at DESC, e.id DESC LIMIT 1) last ON true
           WHERE h.id > %s AND last.to_state <> h.state""",
        [since_hazard],
    )
    add("every hazard's state is its last event's", mismatched == 0, f"{mismatched} differ")
    unnumbered = Hazard.objects.filter(pk__gt=since_hazard, number="").count()
    add("no hazard without a number", unnumbered == 0, f"{unnumbered} without")

    created = Hazard.objects.filter(pk__in=list(ledger.created)).count()
    add(
        "every hazard answered 201 is there",
        created == len(ledger.created),
        f"{created} of {len(ledger.created)} (hazards since the start: "
        f"{Hazard.objects.filter(pk__gt=since_hazard).count()})",
    )
    states = dict(Hazard.objects.filter(pk__in=list(ledger.moved)).values_list("pk", "state"))
    versions = dict(Hazard.objects.filter(pk__in=list(ledger.moved)).values_list("pk", "version"))
    lost = [
        pk
        for pk, (state, version) in ledger.moved.items()
        # A later move whose answer was lost on the way (a kill) may have committed.
        if versions.get(pk, 0) < version
        or (versions.get(pk) == version and states.get(pk) != state)
    ]
    add(
        "every move answered 200 is there",
        not lost,
        f"{len(ledger.moved)} answered, {len(lost)} lost",
    )

    photos = HazardPhoto.objects.filter(pk__in=list(ledger.photos))
    found = photos.count()
    add(
        "every photo answered 201 is there",
        found == len(ledger.photos),
        f"{found} of {len(ledger.photos)}",
    )
    root = Path(settings.MEDIA_ROOT if media is None else media)
    no_file = [
        p.pk
        for p in HazardPhoto.objects.filter(hazard_id__gt=since_hazard)
        if not (root / p.image.name).is_file() or not (root / p.thumbnail.name).is_file()
    ]
    add("every photo has its files", not no_file, f"{len(no_file)} without")

    working = ImportBatch.objects.filter(status__in=WORKING_BATCH).count()
    add("every import batch final or retryable", working == 0, f"{working} still working")
    batches = dict(
        ImportBatch.objects.filter(token__in=list(ledger.uploaded)).values_list("token", "status")
    )
    missing = set(ledger.uploaded) - set(batches)
    add(
        "every upload answered 302 has its batch",
        not missing,
        f"{len(ledger.uploaded)} answered, {len(missing)} missing",
    )
    partial = []
    for token, codes in ledger.uploaded.items():
        present = Enterprise.objects.filter(uscc__in=codes).count()
        applied = batches.get(token) == "applied"
        if present not in (0, len(codes)) or (present == len(codes)) != applied:
            partial.append((token[:8], batches.get(token), present, len(codes)))
    add("every import all or nothing", not partial, f"{len(partial)} partial {partial[:3]}")
    confirmed_left = [t for t in ledger.confirmed if batches.get(t) not in ("applied", "failed")]
    add(
        "every confirm answered 302 applied or failed",
        not confirmed_left,
        f"{len(ledger.confirmed)} confirmed",
    )

    found = ExportFile.objects.filter(pk__in=list(ledger.exports)).count()
    add(
        "every export answered 302 is there",
        found == len(ledger.exports),
        f"{found} of {len(ledger.exports)}",
    )

    doing = _one("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")
    add("no job left doing", doing == 0, f"{doing} doing")

    unsealed = _one("SELECT count(*) FROM core_auditentry WHERE hash IS NULL")
    add("every audit entry sealed", unsealed == 0, f"{unsealed} unsealed")
    verification = audit.verify()
    add("verify_audit passes", verification.ok, f"{verification.checked} entries checked")

    add("no 5xx answer", not ledger.server_errors, f"{ledger.server_errors[:2]}")
    return results


# ---------------------------------------------------------------- the drill


def ensure_seeded() -> None:
    from django.core.management import call_command

    from safeloop.orgs.models import User

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="safety_manager").exists():
        call_command("seed_demo", verbosity=0)


def drill(
    *,
    seconds: float,
    kills: int,
    creator,
    regulator,
    web: int = 2,
    clients: int = 3,
    rows: int = 20,
    timeout: int = 5,
    port: int = 8790,
    media: Path | None = None,
    database_url: str | None = None,
    work: Path | None = None,
    say=print,
) -> bool:
    """Run the drill and print the summary; True when every check passed."""
    from django.core.management import call_command

    from safeloop.core import tasks as core_tasks  # noqa: F401 — registers the recoveries
    from safeloop.enterprises import tasks as enterprise_tasks  # noqa: F401
    from safeloop.hazards.models import Hazard

    work = work or Path(tempfile.mkdtemp(prefix="safeloop-faults-"))
    media = media or work / "media"
    call_command("collectstatic", interactive=False, verbosity=0)
    env = {
        **os.environ,
        "SAFELOOP_ALLOWED_HOSTS": "127.0.0.1",
        "SAFELOOP_MEDIA_ROOT": str(media),
        "SAFELOOP_ACCESS_LOG": "off",
        "SAFELOOP_THREADS": "4",
        "SAFELOOP_LEDGER_IMPORT_SYNC_BYTES": "1",
        "SAFELOOP_EXPORT_INLINE_ROWS": "1",
        "SAFELOOP_STALLED_JOB_SECONDS": str(max(timeout, 15)),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    ports = [port + n for n in range(web)]
    servers = [
        Proc(
            f"web {p}",
            [
                sys.executable,
                "-m",
                "safeloop.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{p}",
                "--workers",
                "1",
            ],
            env,
            work / f"web-{p}.log",
        )
        for p in ports
    ]
    worker = Proc(
        "worker", [sys.executable, "-m", "safeloop.cli", "worker"], env, work / "worker.log"
    )
    from safeloop.orgs.tokens import create_token

    _, token = create_token(actor=creator, name="故障演练")
    enterprise = creator.role_assignments.exclude(enterprise=None).first().enterprise_id
    session = session_headers(regulator)
    since_hazard = Hazard.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ledger = Ledger()
    stop = threading.Event()
    first_job = _one("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
    for proc in [*servers, worker]:
        proc.start()
    started = time.monotonic()
    try:
        _wait_serving(ports)
        say(
            f"{web} web servers and a worker up in {time.monotonic() - started:.1f} s; "
            f"logs in {work}"
        )
        threads = [
            threading.Thread(target=hazard_writer, args=(ledger, ports, token, enterprise, stop))
            for _ in range(clients)
        ]
        threads.append(threading.Thread(target=importer, args=(ledger, ports, session, stop, rows)))
        threads.append(threading.Thread(target=exporter, args=(ledger, ports, session, stop)))
        for t in threads:
            t.start()
        load_started = time.monotonic()
        moments = sorted(random.uniform(1, seconds - 1) for _ in range(kills))
        for n, at in enumerate(moments):
            time.sleep(max(0, at - (time.monotonic() - load_started)))
            victim = worker if n % 2 == 1 else random.choice(servers)
            if victim is worker:  # mid-job when one runs within 5 s
                busy = time.monotonic() + 5
                while time.monotonic() < busy and not _one(DOING):
                    time.sleep(0.05)
            doing = _one(DOING) if victim is worker else 0
            victim.kill()
            mid = f" ({doing} job(s) doing)" if victim is worker else ""
            say(f"  {time.monotonic() - load_started:5.1f} s  kill -9 {victim.name}{mid}")
            time.sleep(1)
            victim.start()
        time.sleep(max(0, seconds - (time.monotonic() - load_started)))
        stop.set()
        for t in threads:
            t.join()
        say(f"load stopped after {time.monotonic() - load_started:.1f} s; draining the queue")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _one(PENDING):
            time.sleep(0.5)
    finally:
        stop.set()
        for proc in [*servers, worker]:
            proc.stop()
    # A heartbeat older than the timeout: the killed worker's jobs are stalled now.
    time.sleep(timeout + 1)
    recovered = stalled.recover(timeout)
    say(f"stalled recovery ({timeout} s): {recovered}")
    left = _one("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
    say(f"jobs left to do (retried, or queued at the end): {left}")
    from safeloop.enterprises.models import ImportBatch

    statuses = Counter(
        ImportBatch.objects.filter(token__in=list(ledger.uploaded)).values_list("status", flat=True)
    )
    say(f"import batches: {dict(statuses)}")
    with connection.cursor() as c:
        c.execute(
            "SELECT task_name, status, count(*) FROM procrastinate_jobs "
            "WHERE queue_name <> 'maintenance' AND id > %s GROUP BY 1, 2 ORDER BY 1, 2",
            [first_job],
        )
        say("jobs: " + ", ".join(f"{t} {st} {n}" for t, st, n in c.fetchall()))
    sealed = 0
    deadline = time.monotonic() + 60
    while True:  # a transaction open elsewhere in the cluster holds sealing back a moment
        sealed += audit.seal()
        if not _one("SELECT count(*) FROM core_auditentry WHERE hash IS NULL"):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    say(f"sealed {sealed} audit entries")

    say("\nrequests (kind: ok / clean error / server error / dropped):")
    for kind in sorted({k for k, _ in ledger.outcomes}):
        counts = [
            ledger.outcomes[(kind, o)] for o in ("ok", "clean error", "server error", "dropped")
        ]
        say(f"  {kind:<15} " + " / ".join(str(c) for c in counts))
    for (kind, status, body), n in ledger.clean_errors.most_common(5):
        say(f"    {n} × {kind} {status}: {body}")
    say("kills: " + ", ".join(f"{p.name} {p.kills}" for p in [*servers, worker] if p.kills))
    say("\nchecks:")
    results = check(ledger, since_hazard, media)
    for name, ok, detail in results:
        say(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    passed = all(ok for _, ok, _ in results)
    say("\nall checks passed" if passed else "\nSOME CHECKS FAILED")
    return passed


def main() -> int:
    from safeloop.orgs.models import User

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--web", type=int, default=2, help="web servers (default 2)")
    parser.add_argument("--clients", type=int, default=3, help="hazard writers (default 3)")
    parser.add_argument("--rows", type=int, default=20, help="rows per ledger file (default 20)")
    parser.add_argument("--timeout", type=int, default=5, help="stalled timeout, s (default 5)")
    parser.add_argument("--port", type=int, default=8790, help="first port (default 8790)")
    parser.add_argument("--seed", type=int, help="random seed (kill moments and victims)")
    ns = parser.parse_args()
    if ns.seed is not None:
        random.seed(ns.seed)
    ensure_seeded()
    print(
        f"# Fault drill on {settings.DATABASES['default']['NAME']}: "
        f"{ns.seconds:.0f} s, {ns.kills} kills"
    )
    ok = drill(
        seconds=ns.seconds,
        kills=ns.kills,
        creator=User.objects.get(username="safety_manager"),
        regulator=User.objects.get(username="county_admin"),
        web=ns.web,
        clients=ns.clients,
        rows=ns.rows,
        timeout=ns.timeout,
        port=ns.port,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures. `world` is the reusable role × scope fixture: one user per role, and
objects inside and outside each user's scope. Later apps add their own rows to it."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from stdnum.cn import uscc

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Park, Region, RegionLevel, RoleAssignment, User
from safeloop.orgs.roles import Role

PASSWORD = "Test#pass2026"


def run_worker(queues: list[str], timeout: float = 120) -> None:
    """Run the job worker until `queues` are empty, as `safeloop worker` does: with the
    worker's own connection, in its own thread, away from any event loop of the tests."""
    from procrastinate.contrib.django import app

    def work():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            worker_app.run_worker(
                queues=queues, wait=False, install_signal_handlers=False, listen_notify=False
            )

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=timeout)


def database_url(name: str | None = None) -> str:
    """The test database's URL (or another database's on the same server)."""
    db = connection.settings_dict
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name or db['NAME']}"


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive ports on 127.0.0.1 that nothing is bound to now, for
    servers a test starts: never a fixed port, which another test process (the suite runs in
    several) or anyone else on the machine may hold."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65536:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def start_worker(media, queues: str) -> subprocess.Popen:
    """`safeloop manage procrastinate worker` on `queues` (comma-separated), as `safeloop
    worker` runs it, in its own process on the test database: a worker a test can kill."""
    env = {**os.environ, "DATABASE_URL": database_url(), "SAFELOOP_MEDIA_ROOT": str(media)}
    command = [sys.executable, "-m", "safeloop.cli", "manage", "procrastinate", "worker"]
    return subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
        [*command, "--queues", queues],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    """Stop a worker process the way a supervisor does (SIGTERM), if it still runs."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_for(predicate, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _server_query(sql: str, params: list):
    with psycopg.connect(database_url("postgres"), autocommit=True) as c:
        return c.execute(sql, params).fetchall()


def waiting_on_lock() -> list[int]:
    """Backends of the test database waiting for a lock."""
    rows = _server_query(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        [connection.settings_dict["NAME"]],
    )
    return [r[0] for r in rows]


def backend_alive(pid: int) -> bool:
    return bool(_server_query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]))


def valid_uscc(region_code: str, serial: int) -> str:
    body = f"91{region_code}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def _flush_past_the_audit_triggers():
    """A transactional test's flush truncates every table; the audit log refuses TRUNCATE to
    everyone, so the flush (the tests run as a database superuser) skips triggers for its
    own transaction, as a superuser's restore would."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if statements:
            refill = _MIGRATED_ROWS.refill(self.connection, tables)
            return ["SET LOCAL session_replication_role = replica", *statements, *refill]
        return statements

    DatabaseOperations.sql_flush = sql_flush


class _Rows:
    """The rows of every non-empty table at one moment, copied into a schema of their own that
    no flush touches, to be put back in one transaction.

    `_MIGRATED_ROWS`: what the migrations put in the test database (rule tables, regions'
    reference data, content types), taken once per test process. A transactional test's flush
    puts them back in the same transaction, so every test starts from the migrated database
    whatever ran before it in this process: the order of tests, and which process runs which,
    no longer matter. `_DEMO_ROWS`: the demo, seeded once per process (the `demo` fixture)."""

    def __init__(self, schema: str):
        self.schema = schema
        self.database = None
        self.columns: dict[str, list[str]] = {}
        self.sequences: dict[str, list[tuple[str, str]]] = {}
        self.queue_tables: list[str] = []

    def take(self, conn) -> None:
        from psycopg import sql as q

        tables = conn.introspection.django_table_names(only_existing=True, include_views=False)
        with conn.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.schema}")
            for table in sorted(tables):
                cursor.execute(q.SQL("SELECT EXISTS (SELECT FROM {})").format(q.Identifier(table)))
                if not cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
                    " AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"
                    " ORDER BY attnum",
                    [f'"{table}"'],
                )
                self.columns[table] = [name for (name,) in cursor.fetchall()]
                cursor.execute(
                    "SELECT c, pg_get_serial_sequence(%s, c) FROM unnest(%s::text[]) AS c",
                    [f'"{table}"', self.columns[table]],
                )
                self.sequences[table] = [(c, seq) for c, seq in cursor.fetchall() if seq]
                cursor.execute(
                    q.SQL("CREATE TABLE {} AS TABLE {}").format(
                        q.Identifier(self.schema, table), q.Identifier(table)
                    )
                )
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename LIKE 'procrastinate%'"
            )
            self.queue_tables = [name for (name,) in cursor.fetchall()]
        self.database = conn.settings_dict["NAME"]

    def refill(self, conn, tables) -> list[str]:
        """After the flush's TRUNCATE: the migrated rows back, each refilled table's id
        sequence at least past them (a flush may restart sequences), and the job queue's
        tables (the ORM does not manage them, so the flush leaves them) emptied, so that one
        test's jobs are not found by the next one's."""
        if conn.settings_dict["NAME"] != self.database:
            return []
        statements = [f"TRUNCATE {', '.join(self.queue_tables)}"] if self.queue_tables else []
        for table in tables:
            if table not in self.columns:
                continue
            columns = ", ".join(f'"{c}"' for c in self.columns[table])
            statements.append(
                f'INSERT INTO "{table}" ({columns}) OVERRIDING SYSTEM VALUE'
                f' SELECT {columns} FROM {self.schema}."{table}"'
            )
            for column, sequence in self.sequences.get(table, ()):
                statements.append(
                    f"SELECT setval('{sequence}', GREATEST("
                    f'(SELECT max("{column}") FROM "{table}"),'
                    f" (SELECT last_value FROM {sequence})))"
                )
        return statements

    def restore(self, conn) -> None:
        """Replace the whole content of the database by these rows, triggers off (no audit
        entry, no summary trigger: the copied summaries and chain are those of the rows), in
        the caller's transaction."""
        tables = conn.introspection.django_table_names(only_existing=True, include_views=False)
        listed = ", ".join(f'"{t}"' for t in sorted(tables))
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(f"TRUNCATE {listed}")
            for statement in self.refill(conn, sorted(tables)):
                cursor.execute(statement)
            cursor.execute("SET session_replication_role = DEFAULT")


_MIGRATED_ROWS = _Rows("test_migrated_rows")
_DEMO_ROWS = _Rows("test_demo_rows")


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _MIGRATED_ROWS.take(connection)


@pytest.fixture(scope="session")
def _demo_rows(_migrated_rows, _media_of_this_test_process, django_db_blocker):
    """The demo, seeded once in this process (its files stay in the process's media folder),
    copied, then flushed away again."""
    from django.core.management import call_command

    from safeloop.demo.seed import seed

    with django_db_blocker.unblock():
        with transaction.atomic():
            seed()
        _DEMO_ROWS.take(connection)
        call_command("flush", interactive=False, verbosity=0)
    return _DEMO_ROWS


@pytest.fixture
def demo(request, _demo_rows):
    """The database as `safeloop demo` seeds it (`safeloop.demo.seed.seed()`), put back from
    this process's copy in well under a second instead of seeded again; in a transactional
    test it is committed (and flushed after the test), otherwise rolled back with the test.
    Tests of the seeding itself call `seed()`."""
    if not request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    _demo_rows.restore(connection)


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_test_process(tmp_path_factory):
    """Uploads and generated files go to this test process's own folder (each process of a
    parallel run has its own temporary base), not to the checkout's var/media; a test that
    looks at its files still sets MEDIA_ROOT to its own tmp_path."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (a live server, a browser, worker and server processes) are the
    long ones: they run first, so that two test processes share them and the short tests
    even out the end of the run (`--dist worksteal`). pytest-django put them last, because
    their flush used to empty what the migrations had filled; the flush now puts it back
    (`_Rows`)."""

    def transactional(item) -> bool:
        marker = item.get_closest_marker("django_db")
        if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
            return True
        return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))

    items.sort(key=lambda item: not transactional(item))


def pytest_configure(config):
    _flush_past_the_audit_triggers()
    # Tests read static files from the apps; the hashed manifest is for collected files.
    # Hashing strength is not under test here; the policy validators are.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    """Two cities. Every scoped user is placed on the inside branch of 银川市:

        银川市 640100 ─ 兴庆区 640104 ─ park P1 ─ grid G1 ─ enterprise `inside`
                     └ 西夏区 640105 ─ enterprise `sibling` (same city, other county)
        石嘴山市 640200 ─ 大武口区 640202 ─ enterprise `outside`
    The expert is assigned to `inside` only.
    """

    city: Region
    county: Region
    sibling_county: Region
    other_city: Region
    other_county: Region
    park: Park
    grid: GridCell
    inside: Enterprise
    sibling: Enterprise
    outside: Enterprise
    users: dict = field(default_factory=dict)

    def user(self, role) -> User:
        return self.users[Role(role)]


def make_user(username: str, role=None, **unit) -> User:
    user = User(username=username, full_name=username)
    user.set_password(PASSWORD)
    user.save()
    if role:
        RoleAssignment.objects.create(user=user, role=role, **unit)
    return user


@pytest.fixture
def world(db) -> World:
    city = Region.objects.create(code="640100", name="银川市", level=RegionLevel.CITY)
    county = Region.objects.create(code="640104", name="兴庆区", level="county", parent=city)
    sibling_county = Region.objects.create(
        code="640105", name="西夏区", level="county", parent=city
    )
    other_city = Region.objects.create(code="640200", name="石嘴山市", level=RegionLevel.CITY)
    other_county = Region.objects.create(
        code="640202", name="大武口区", level="county", parent=other_city
    )
    park = Park.objects.create(name="测试园区", region=county)
    grid = GridCell.objects.create(code="640104-T1", name="测试网格", region=county, park=park)
    inside = Enterprise.objects.create(
        name="园区内企业", uscc=valid_uscc("640104", 1), region=county, park=park, grid=grid
    )
    sibling = Enterprise.objects.create(
        name="西夏企业", uscc=valid_uscc("640105", 2), region=sibling_county
    )
    outside = Enterprise.objects.create(
        name="石嘴山企业", uscc=valid_uscc("640202", 3), region=other_county
    )
    w = World(
        city, county, sibling_county, other_city, other_county, park, grid, inside, sibling, outside
    )
    units = {
        Role.SYSTEM_ADMIN: {},
        Role.CITY_ADMIN: {"region": city},
        Role.CITY_INSPECTOR: {"region": city},
        Role.COUNTY_ADMIN: {"region": county},
        Role.COUNTY_INSPECTOR: {"region": county},
        Role.PARK_OFFICER: {"park": park},
        Role.GRID_INSPECTOR: {"grid": grid},
        Role.ENTERPRISE_PRINCIPAL: {"enterprise": inside},
        Role.SAFETY_MANAGER: {"enterprise": inside},
        Role.EXPERT: {"enterprise": inside},
    }
    for role, unit in units.items():
        w.users[role] = make_user(role.value, role, **unit)
    w.users[None] = make_user("no_role")
    return w


@pytest.fixture
def api(client):
    """A test client that speaks JSON to the API."""

    class Api:
        def __init__(self, client):
            self.client = client

        def as_user(self, user):
            self.client.force_login(user)
            return self

        def get(self, url, **kw):
            return self.client.get(url, **kw)

        def post(self, url, data=None, **kw):
            return self.client.post(url, data, content_type="application/json", **kw)

        def patch(self, url, data=None, **kw):
            return self.client.patch(url, data, content_type="application/json", **kw)

        def delete(self, url, **kw):
            return self.client.delete(url, **kw)

    return Api(client)


@pytest.fixture(autouse=True)
def _forget_remembered_rules():
    """Each test starts without rule rows remembered from another test's rolled-back data."""
    from safeloop.core import rulecache

    rulecache.forget()
    yield
    rulecache.forget()

"""What the suite's processes (./dev.sh test runs two) and anyone else on the server share: the
server's databases and roles, TCP ports, the upload folder. Each is taken so that a second
process doing the same thing at the same moment does not fail."""

import socket
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from safeloop.database import data_dir, ensure_database
from tests.conftest import database_url, free_ports


def _server_args() -> dict:
    s = connection.settings_dict
    server = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"]}
    return {**server, "password": s.get("PASSWORD") or None}


@pytest.mark.django_db
def test_two_processes_creating_the_same_database_at_once_both_succeed():
    name = f"{connection.settings_dict['NAME']}_ensure_{uuid.uuid4().hex[:8]}"
    start, failures = threading.Barrier(4), []

    def create():
        start.wait()
        try:
            ensure_database(name, **_server_args())
        except Exception as e:  # noqa: BLE001 — any failure is the finding
            failures.append(e)

    threads = [threading.Thread(target=create) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not failures
        with psycopg.connect(database_url("postgres"), autocommit=True) as c:
            found = c.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
            assert found.fetchone()[0] == 1
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_application_role_exists_once_the_test_database_is_migrated():
    # Created by the migration that both processes' test databases run at the same time.
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [settings.DATABASE_APP_ROLE])
        assert c.fetchone()[0] == 1


def test_free_ports_are_consecutive_and_free():
    first = free_ports(3)
    held = []
    try:
        for port in range(first, first + 3):
            s = socket.socket()
            held.append(s)
            s.bind(("127.0.0.1", port))
    finally:
        for s in held:
            s.close()


def test_uploads_go_to_a_folder_of_this_test_process_not_the_checkout():
    media = Path(settings.MEDIA_ROOT)
    assert media != data_dir() / "media"
    assert media.is_dir()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_flush_puts_back_what_the_migrations_filled():
    """Whatever ran before it in this process, a test finds the migrated database: the flush
    after a transactional test refills the rule and reference tables (tests/conftest.py), so
    the suite's processes may take their tests in any order."""
    from django.core.management import call_command

    from safeloop.orgs.models import Region
    from tests.conftest import _MIGRATED_ROWS

    assert _MIGRATED_ROWS.columns, "the migrations filled no table?"
    before = {}
    with connection.cursor() as c:
        for table in _MIGRATED_ROWS.columns:
            c.execute(f'SELECT count(*) FROM "{table}"')
            before[table] = c.fetchone()[0]
    Region.objects.create(code="659999", name="测试区", level="county")
    call_command("flush", interactive=False, verbosity=0)
    after = {}
    with connection.cursor() as c:
        for table in _MIGRATED_ROWS.columns:
            c.execute(f'SELECT count(*) FROM "{table}"')
            after[table] = c.fetchone()[0]
    assert after == before
    assert not Region.objects.filter(code="659999").exists()

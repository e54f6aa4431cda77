"""The application's database role: what the running web and worker may do to the audit log,
checked by connecting as that role (a fresh connection that SETs ROLE), and a normal service
call made under it."""

from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg import errors

from safeloop.core import audit
from safeloop.core.models import AuditEntry, AuditRetention
from safeloop.orgs.roles import Role

from .test_audit_chain import as_superuser_without_triggers, seal_all


def app_connection() -> psycopg.Connection:
    s = connection.settings_dict
    conn = psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"],
        dbname=s["NAME"],
        autocommit=True,
    )
    conn.execute(f'SET ROLE "{settings.DATABASE_APP_ROLE}"')
    return conn


@pytest.mark.django_db(transaction=True)
def test_the_app_role_can_neither_rewrite_nor_silence_the_audit_log():
    AuditRetention.objects.create(days=180, source="测试")
    old, recent = audit.record("test.old"), audit.record("test.recent")
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET at = %s WHERE id <= %s",
        [timezone.now() - timedelta(days=400), old.pk],
    )
    seal_all(old, recent)
    app = app_connection()
    try:
        role = app.execute(
            "SELECT rolsuper, pg_has_role(current_user, t.tableowner, 'USAGE')"
            " FROM pg_roles, pg_tables t"
            " WHERE rolname = current_user AND t.tablename = 'core_auditentry'"
        ).fetchone()
        assert role == (False, False)  # not a superuser, not (a member of) the owner
        refused = [
            ("DELETE FROM core_auditentry WHERE id = %s", [recent.pk]),
            ("DELETE FROM core_auditentry WHERE id = %s", [old.pk]),
            ("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [recent.pk]),
            ("TRUNCATE core_auditentry", []),
            ("UPDATE core_auditretention SET days = 180", []),
            (
                "INSERT INTO core_auditanchor (seq, hash, pruned_at, entries)"
                " VALUES (999999, '', now(), 0)",
                [],
            ),
        ]
        for sql, params in refused:
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                app.execute(sql, params)
        with pytest.raises(errors.InsufficientPrivilege, match="must be owner"):
            app.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_audit_append_only")
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
            app.execute("SET session_replication_role = replica")
        # what it may do: write entries, seal them, and prune past the retention only
        app.execute(
            "INSERT INTO core_auditentry (at, actor_label, action, object_id, object_repr,"
            " region_code, changes, request_id) VALUES (now(), 'system', 'test.app', '', '',"
            " '', '{}', '')"
        )
        app.execute("SELECT core_audit_seal(NULL)")
        assert app.execute("SELECT core_audit_prune(180)").fetchone()[0] >= 1
    finally:
        app.close()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


def test_a_service_call_works_under_the_app_role(world, api):
    admin = world.user(Role.COUNTY_ADMIN)
    with connection.cursor() as c:  # for the rest of the test's transaction
        c.execute(f'SET LOCAL ROLE "{settings.DATABASE_APP_ROLE}"')
        c.execute("SELECT current_user")
        assert c.fetchone()[0] == settings.DATABASE_APP_ROLE
    response = api.as_user(admin).patch(
        f"/api/v1/parks/{world.park.pk}/", {"note": "应用角色", "version": 1}
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action="orgs.park.update").latest("id")
    assert entry.changes["note"] == ["", "应用角色"]


def test_migrate_skips_the_role_with_a_notice_when_it_may_not_create_it(db):
    from io import StringIO

    from safeloop.core.dbroles import grant_app_role

    out = StringIO()
    with connection.cursor() as c:
        c.execute("CREATE ROLE safeloop_test_owner NOSUPERUSER NOCREATEROLE")
        c.execute("SET LOCAL ROLE safeloop_test_owner")
    assert not grant_app_role(connection, role="safeloop_missing_role", out=out)
    assert "CREATE ROLE safeloop_missing_role" in out.getvalue()


def test_web_and_worker_log_in_with_the_app_url_and_manage_keeps_the_owner(monkeypatch):
    from safeloop.database import database_settings

    monkeypatch.setenv("DATABASE_URL", "postgres://owner@db:5432/safeloop")
    monkeypatch.setenv("DATABASE_APP_URL", "postgres://safeloop_app:secret@db:5432/safeloop")
    monkeypatch.delenv("SAFELOOP_DATABASE_AS_APP", raising=False)
    assert database_settings()["USER"] == "owner"  # migrate and every manage command
    monkeypatch.setenv("SAFELOOP_DATABASE_AS_APP", "1")  # set by `safeloop serve` and `worker`
    assert database_settings()["USER"] == "safeloop_app"
    monkeypatch.delenv("DATABASE_APP_URL")
    assert database_settings()["USER"] == "owner"  # no app login configured


def test_the_sealing_job_runs_every_minute():
    from procrastinate.contrib.django import app

    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["core.seal_audit"].cron == "* * * * *"


def test_every_connection_runs_without_parallel_workers_or_jit(db):
    """A page's query reads an index for a page of rows: the session settings of every
    connection (database.SESSION) leave out parallel workers and JIT compilation."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    assert (workers, jit) == ("0", "off")

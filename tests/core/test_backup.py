"""`backup` and `restore`: a dump, the uploads and a manifest; the restore into a fresh database
matches the manifest's row counts and audit chain, and reports every difference. pg_dump sees
only committed rows, so these tests commit."""

import json
import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeloop.core import audit
from safeloop.core.models import AuditEntry
from safeloop.enterprises import services
from safeloop.orgs.roles import Role
from tests.conftest import database_url
from tests.core.test_audit_chain import seal_all

pytestmark = pytest.mark.django_db(transaction=True)


def _server(sql: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as c:
        c.execute(sql)


@pytest.fixture
def fresh_db():
    # Databases belong to the whole server: the name carries this test process's database
    # (test_<name>_gw0, _gw1 in a parallel run) and a random part, so no two runs share one.
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    _server(f'CREATE DATABASE "{name}"')
    yield name
    _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "photos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "a.jpg").write_bytes(b"\xff\xd8 not really a photo")
    return settings.MEDIA_ROOT


@pytest.fixture
def backed_up(world, media, tmp_path):
    admin = world.user(Role.CITY_ADMIN)
    for enterprise, address in ((world.inside, "一号路"), (world.sibling, "二号路")):
        services.update_enterprise(
            actor=admin, enterprise=enterprise, data={"address": address}, expected_version=1
        )
    entries = list(AuditEntry.objects.filter(action="enterprises.enterprise.update"))
    assert len(entries) == 2
    seal_all(*entries, audit.record("test.backup"))
    out = StringIO()
    call_command("backup", out=str(tmp_path / "backup"), stdout=out)
    return tmp_path / "backup", out.getvalue()


def restore(*args) -> str:
    out = StringIO()
    call_command("restore", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("restore", *args, stdout=out)
    return str(failure.value), out.getvalue()


def test_a_backup_restores_into_a_fresh_database_with_equal_counts_and_chain(
    backed_up, fresh_db, settings, tmp_path
):
    directory, printed = backed_up
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["tables"]["public.enterprises_enterprise"] == 3
    assert manifest["tables"]["public.core_auditentry"] == AuditEntry.objects.count()
    head = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
    assert manifest["audit_head"] == {"seq": head.seq, "hash": head.hash}
    assert any(m.startswith("core.") for m in manifest["migrations"])
    assert manifest["media_files"] == 1 and manifest["created_at"]
    assert f"audit chain head {head.seq} {head.hash}" in printed

    settings.MEDIA_ROOT = tmp_path / "restored_media"
    out = restore("--from", str(directory), "--database-url", database_url(fresh_db))
    assert "restored copy matches the manifest" in out
    assert (settings.MEDIA_ROOT / "photos" / "a.jpg").read_bytes() == b"\xff\xd8 not really a photo"
    with psycopg.connect(database_url(fresh_db)) as c:
        assert c.execute("SELECT count(*) FROM enterprises_enterprise").fetchone()[0] == 3

    # A database that now holds data is refused without --force, and replaced with it.
    message, _ = refused("--from", str(directory), "--database-url", database_url(fresh_db))
    assert "is not empty" in message
    out = restore("--from", str(directory), "--database-url", database_url(fresh_db), "--force")
    assert "restored copy matches the manifest" in out


def test_an_edited_manifest_count_is_reported(backed_up, fresh_db, settings, tmp_path):
    directory, _ = backed_up
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["public.enterprises_enterprise"] = 4
    path.write_text(json.dumps(manifest))
    settings.MEDIA_ROOT = tmp_path / "restored_media"
    message, out = refused("--from", str(directory), "--database-url", database_url(fresh_db))
    assert "table public.enterprises_enterprise: 3 rows, the manifest says 4" in out
    assert "restored copy differs from the manifest: 1 problem(s)" in message


def test_an_audit_entry_removed_from_the_restored_copy_is_reported(
    backed_up, fresh_db, settings, tmp_path
):
    directory, _ = backed_up
    settings.MEDIA_ROOT = tmp_path / "restored_media"
    restore("--from", str(directory), "--database-url", database_url(fresh_db))
    with psycopg.connect(database_url(fresh_db)) as c:
        seq = c.execute("SELECT max(seq) - 1 FROM core_auditentry").fetchone()[0]
        c.execute("SET LOCAL session_replication_role = replica")
        c.execute("DELETE FROM core_auditentry WHERE seq = %s", [seq])
    message, out = refused(
        "--from", str(directory), "--database-url", database_url(fresh_db), "--verify-only"
    )
    assert f"audit chain position {seq}: missing positions {seq}–{seq}" in out
    assert "table public.core_auditentry:" in out
    assert "restored copy differs from the manifest: 2 problem(s)" in message


def test_a_backup_needs_a_new_directory(world, media, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", out=str(tmp_path / "used"), stdout=StringIO())


def test_a_damaged_dump_is_refused_before_restoring(backed_up, fresh_db, media):
    directory, _ = backed_up
    with (directory / "database.dump").open("ab") as f:
        f.write(b"x")
    message, _ = refused("--from", str(directory), "--database-url", database_url(fresh_db))
    assert "differs from the manifest's checksum" in message

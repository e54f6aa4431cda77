"""The audit log: every write path leaves an entry; nobody can rewrite it; pruning works."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safeloop.core import audit
from safeloop.core.context import acting_as
from safeloop.core.models import AuditEntry, AuditRetention
from safeloop.orgs.models import Park, User
from safeloop.orgs.roles import Role


def entries_for(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("id")


def test_it_records_create_update_delete_with_before_and_after(world):
    admin = world.user(Role.COUNTY_ADMIN)
    with acting_as(admin, request_id="req-1"):
        park = Park.objects.create(name="新园区", region=world.county)
        park.note = "扩区"
        park.save()
        park.save()  # nothing changed: no entry
        park_id = park.pk
        park.delete()
    create, update, delete = AuditEntry.objects.filter(
        object_id=str(park_id), action__startswith="orgs.park"
    ).order_by("id")
    assert create.action == "orgs.park.create"
    assert create.changes["name"] == [None, "新园区"]
    assert create.actor == admin and create.request_id == "req-1"
    assert create.region_code == "640104"
    assert update.action == "orgs.park.update"
    assert update.changes == {"note": ["", "扩区"]}
    assert delete.action == "orgs.park.delete"
    assert delete.changes["name"] == ["新园区", None]


def test_it_masks_passwords(world):
    user = world.user(Role.EXPERT)
    user.set_password("Another#pass99")
    user.save()
    entry = entries_for(user).last()
    assert entry.changes == {"password": ["***", "***"]}


def test_it_refuses_updates_and_deletes_of_entries(world):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="DELETE.*refused"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


def test_the_old_session_flag_no_longer_lets_a_recent_entry_go(world):
    entry = audit.record("test.recent")
    refused = pytest.raises(DatabaseError, match="DELETE.*refused")
    with refused, transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL safeloop.audit_prune = 'on'")
        c.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_truncate(world):
    refused = pytest.raises(DatabaseError, match="TRUNCATE")
    with refused, transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE core_auditentry CASCADE")
    assert AuditEntry.objects.exists()


def _age(entry, days):
    # Only a database superuser can backdate an entry: replica mode skips the trigger.
    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute(
            "UPDATE core_auditentry SET at = %s WHERE id = %s",
            [timezone.now() - timedelta(days=days), entry.pk],
        )
        c.execute("SET session_replication_role = DEFAULT")


def test_the_recorded_retention_wins_over_a_shorter_setting(world, settings):
    # migrate recorded 365 days; a process configured with less cannot prune more
    settings.AUDIT_RETENTION_DAYS = 180
    entry = audit.record("test.keep")
    _age(entry, 300)
    assert AuditRetention.objects.first().days == 365
    assert audit.prune() == 0
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_migrate_records_a_changed_retention_setting(db, settings):
    from safeloop.core.retention import record_configured_retention

    settings.AUDIT_RETENTION_DAYS = 400
    assert record_configured_retention(AuditRetention)
    assert not record_configured_retention(AuditRetention)
    newest = AuditRetention.objects.first()
    assert newest.days == 400 and "SAFELOOP_AUDIT_RETENTION_DAYS" in newest.source


def test_it_never_prunes_below_180_days(world):
    entry = audit.record("test.keep")
    _age(entry, 100)
    assert audit.prune(older_than_days=30) == 0
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_records_the_actor_and_ip_of_a_web_request(world, api):
    admin = world.user(Role.COUNTY_ADMIN)
    response = api.as_user(admin).patch(
        f"/api/v1/parks/{world.park.pk}/",
        {"note": "经由API", "version": 1},
        HTTP_X_REQUEST_ID="abc123",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200, response.content
    entry = entries_for(world.park).last()
    assert entry.actor == admin
    assert entry.request_id == "abc123"
    assert entry.ip == "10.1.2.3"
    assert entry.changes == {"note": ["", "经由API"], "version": [1, 2]}


def test_it_records_a_token_clients_actor(world, client):
    from safeloop.orgs.tokens import create_token

    admin = world.user(Role.COUNTY_ADMIN)
    _, secret = create_token(actor=admin, name="客户端")
    response = client.patch(
        f"/api/v1/parks/{world.park.pk}/",
        {"note": "令牌", "version": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert response.status_code == 200, response.content
    assert entries_for(world.park).last().actor == admin


def test_user_accounts_are_audited_as_system_when_no_actor(db):
    user = User.objects.create(username="lonely")
    entry = entries_for(user).get()
    assert entry.actor is None and entry.actor_label == "system"

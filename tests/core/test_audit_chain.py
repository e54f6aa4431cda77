"""The audit hash chain: the sealing job chains committed entries in order, verify_audit finds
every edited entry, missing position and broken link, and pruning leaves an anchor the chain
still verifies from. Sealing sees only committed transactions, so these tests commit."""

import time
from datetime import timedelta

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safeloop.core import audit
from safeloop.core.models import AuditAnchor, AuditEntry, AuditRetention

pytestmark = pytest.mark.django_db(transaction=True)


def seal_all(*entries) -> None:
    """Seal until `entries` are: a transaction still open anywhere in the database cluster
    (another database's tests on a shared server) holds sealing back until it ends."""
    deadline = time.monotonic() + 60
    ids = [e.pk for e in entries]
    while True:
        audit.seal()
        if not AuditEntry.objects.filter(pk__in=ids, seq__isnull=True).exists():
            return
        assert time.monotonic() < deadline, "entries still unsealed after a minute"
        time.sleep(0.1)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> tuple[str, str]:
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=out)
    return str(failure.value), out.getvalue()


def as_superuser_without_triggers(sql: str, params: list) -> None:
    """What only a database superuser can do: replica mode skips the triggers."""
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL session_replication_role = replica")
        c.execute(sql, params)


def age(entry, days) -> None:
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET at = %s WHERE id = %s",
        [timezone.now() - timedelta(days=days), entry.pk],
    )


def test_a_clean_chain_verifies_with_awkward_text():
    written = [
        audit.record("test.plain"),
        audit.record("test.awkward", changes={"备注": ['引号" 反斜杠\\ 换行\n', "\t\x01😀"]}),
        audit.record("test.nested", changes={"b": {"z": [1, 2.5, None]}, "a": True}),
    ]
    seal_all(*written)
    assert "audit chain intact" in verify()
    chained = list(AuditEntry.objects.filter(pk__in=[e.pk for e in written]).order_by("id"))
    assert [e.seq for e in chained] == [chained[0].seq + i for i in range(3)]
    assert chained[1].prev_hash == chained[0].hash and chained[2].prev_hash == chained[1].hash


def test_an_edited_entry_is_found_at_its_position():
    entries = [audit.record(f"test.{i}") for i in range(5)]
    seal_all(*entries)
    target = AuditEntry.objects.get(pk=entries[2].pk)
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [target.pk]
    )
    message, out = broken()
    assert f"first at position {target.seq}" in message
    assert f"position {target.seq}: entry {target.pk} changed after sealing" in out


def test_a_deleted_middle_entry_is_found_as_a_gap():
    entries = [audit.record(f"test.{i}") for i in range(5)]
    seal_all(*entries)
    target = AuditEntry.objects.get(pk=entries[2].pk)
    as_superuser_without_triggers("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    message, out = broken()
    assert f"first at position {target.seq}" in message
    assert f"missing positions {target.seq}–{target.seq}" in out


def test_a_deleted_last_entry_is_found_against_the_chain_head():
    entries = [audit.record(f"test.{i}") for i in range(3)]
    seal_all(*entries)
    last = AuditEntry.objects.get(pk=entries[-1].pk)
    as_superuser_without_triggers("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    message, _ = broken()
    assert f"first at position {last.seq}" in message


def test_a_relinked_entry_is_found_as_a_broken_link():
    entries = [audit.record(f"test.{i}") for i in range(3)]
    seal_all(*entries)
    target = AuditEntry.objects.get(pk=entries[1].pk)
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET prev_hash = repeat('0', 64) WHERE id = %s", [target.pk]
    )
    _, out = broken()
    assert f"position {target.seq}: link to the previous entry broken" in out


def test_after_a_prune_the_chain_still_verifies_from_the_anchor(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    AuditRetention.objects.create(days=180, source="测试")
    old = [audit.record(f"test.old{i}") for i in range(3)]
    recent = [audit.record(f"test.recent{i}") for i in range(2)]
    for entry in old:
        age(entry, 200)
    # the migrations' entries are recent, so only a prefix that is all old goes: make the
    # whole log before `recent` old
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET at = %s WHERE id < %s",
        [timezone.now() - timedelta(days=200), recent[0].pk],
    )
    seal_all(*old, *recent)
    last_old = AuditEntry.objects.get(pk=old[-1].pk)
    pruned = audit.prune()
    assert pruned >= 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.hash, anchor.entries) == (last_old.seq, last_old.hash, pruned)
    out = verify()
    assert "audit chain intact" in out and f"pruned up to position {anchor.seq}" in out
    seal_all(audit.record("test.after"))
    assert "audit chain intact" in verify()


def test_prune_refuses_to_bury_a_broken_stretch(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    AuditRetention.objects.create(days=180, source="测试")
    entries = [audit.record(f"test.{i}") for i in range(3)]
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET at = %s WHERE id <= %s",
        [timezone.now() - timedelta(days=200), entries[-1].pk],
    )
    seal_all(*entries)
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entries[1].pk]
    )
    with pytest.raises(DatabaseError, match="chain is broken"):
        audit.prune()
    assert AuditEntry.objects.filter(pk=entries[0].pk).exists()
    assert not AuditAnchor.objects.exists()


def test_an_unsealed_entry_cannot_be_deleted_even_when_old():
    entry = audit.record("test.unsealed")
    age(entry, 400)
    refused = pytest.raises(DatabaseError, match="not sealed yet")
    with refused, transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


def test_a_sealed_entry_cannot_be_sealed_again_or_out_of_order():
    entry = audit.record("test.sealed")
    other = audit.record("test.next")
    seal_all(entry, other)
    sealed = AuditEntry.objects.get(pk=entry.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=sealed.pk).update(seq=sealed.seq + 100)
    newer = audit.record("test.newer")
    with pytest.raises(DatabaseError, match="cannot take position"), transaction.atomic():
        AuditEntry.objects.filter(pk=newer.pk).update(seq=sealed.seq + 100)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=newer.pk).update(seq=None, action="forged")
    assert AuditEntry.objects.get(pk=other.pk).seq == sealed.seq + 1


def test_an_entry_of_an_open_transaction_holds_back_later_ones():
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
    )
    try:
        with other.cursor() as c:  # a transaction that writes its entry and stays open
            c.execute(
                "INSERT INTO core_auditentry (at, actor_label, action, object_id, object_repr,"
                " region_code, changes, request_id) VALUES (now(), 'system', 'test.slow',"
                " '', '', '', '{}', '') RETURNING id"
            )
            slow_id = c.fetchone()[0]
        fast = audit.record("test.fast")  # committed after the slow one began
        audit.seal()
        assert AuditEntry.objects.get(pk=fast.pk).seq is None
        other.commit()
        seal_all(fast)
        slow, fast = AuditEntry.objects.get(pk=slow_id), AuditEntry.objects.get(pk=fast.pk)
        assert fast.seq == slow.seq + 1
    finally:
        other.close()
    assert "audit chain intact" in verify()


def test_it_prunes_only_entries_past_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    AuditRetention.objects.create(days=180, source="测试")
    old, recent = audit.record("test.old"), audit.record("test.recent")
    as_superuser_without_triggers(
        "UPDATE core_auditentry SET at = %s WHERE id <= %s",
        [timezone.now() - timedelta(days=181), old.pk],
    )
    age(recent, 179)
    seal_all(old, recent)
    call_command("prune_audit")
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


def test_a_direct_delete_is_allowed_only_past_the_recorded_retention():
    # Even the owning role's own DELETE: the trigger reads the recorded retention.
    AuditRetention.objects.create(days=200, source="测试")
    old, recent = audit.record("test.old"), audit.record("test.recent")
    age(old, 201)
    age(recent, 199)
    seal_all(old, recent)
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditentry WHERE id = %s", [old.pk])
    refused = pytest.raises(DatabaseError, match="keeps entries 200 days")
    with refused, transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM core_auditentry WHERE id = %s", [recent.pk])

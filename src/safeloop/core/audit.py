"""Writing and pruning the audit log."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from safeloop.core.models import AuditEntry


def record(verb: str, obj=None, *, changes: dict | None = None, actor=None) -> AuditEntry:
    """One audit entry for `obj` (None: an event about no one record); `verb` is a move or
    an action code (`app.model.verb`). The actor defaults to the request's or job's."""
    return AuditEntry.write(verb, obj, changes=changes, actor=actor)


def prune(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period (never less than 180 days)."""
    days = max(180, older_than_days or settings.AUDIT_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL safeloop.audit_prune = 'on'")
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted

"""Writing and pruning the audit log."""

from django.conf import settings
from django.db import connection, transaction

from safeloop.core.models import AuditEntry


def record(verb: str, obj=None, *, changes: dict | None = None, actor=None) -> AuditEntry:
    """One audit entry for `obj` (None: an event about no one record); `verb` is a move or
    an action code (`app.model.verb`). The actor defaults to the request's or job's."""
    return AuditEntry.write(verb, obj, changes=changes, actor=actor)


def prune(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period: the longer of `older_than_days` (or
    the setting) and the retention the database records (core.AuditRetention, at least 180
    days). The database function is the only way to delete; its trigger checks every row."""
    days = max(180, older_than_days or settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT core_audit_prune(%s)", [days])
        return cursor.fetchone()[0]

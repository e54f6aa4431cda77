"""Writing and pruning the audit log."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from safeloop.core.context import current
from safeloop.core.models import AuditEntry


def action_code(obj, verb: str) -> str:
    """`create` on an orgs.Park becomes `orgs.park.create`; codes with a dot stay as given."""
    if "." in verb:
        return verb
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def record(verb: str, obj=None, *, changes: dict | None = None, actor=None) -> AuditEntry:
    context = current()
    actor = actor or context.user
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=(actor.get_username() if actor else "system")[:150],
        action=action_code(obj, verb) if obj is not None else verb,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=getattr(obj, "region_code", "") or "",
        changes=changes or {},
        request_id=context.request_id,
        ip=context.ip,
    )


def prune(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period (never less than 180 days)."""
    days = max(180, older_than_days or settings.AUDIT_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL safeloop.audit_prune = 'on'")
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted

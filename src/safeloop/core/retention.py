"""The audit retention the database enforces (core.AuditRetention), kept in step with the
SAFELOOP_AUDIT_RETENTION_DAYS setting by `migrate` (and a test database's flush)."""

from django.conf import settings

SOURCE = "SAFELOOP_AUDIT_RETENTION_DAYS"


def record_configured_retention(model) -> bool:
    """Add a version when the configured retention differs from the newest one recorded.
    Runs as the migrating role: the application's role may only read the table."""
    days = max(180, settings.AUDIT_RETENTION_DAYS)
    newest = model.objects.order_by("-valid_from", "-id").first()
    if newest is not None and newest.days == days:
        return False
    model.objects.create(days=days, source=f"{SOURCE}（不少于180天：《网络安全法》第二十一条）")
    return True


def on_post_migrate(sender, **kwargs) -> None:
    from django.db import DEFAULT_DB_ALIAS

    if kwargs.get("using", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
        return
    from safeloop.core.models import AuditRetention

    record_configured_retention(AuditRetention)

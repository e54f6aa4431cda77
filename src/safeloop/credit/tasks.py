"""The credit jobs: the daily full set-based recompute (events that became due or expired),
the list triggers for every enterprise and the automatic removal at the end of the period;
and one enterprise's refresh, queued when its records change (signals.py)."""

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core.context import acting_as
from safeloop.core.jobs import defer_after_commit, defer_once


def daily(today=None, *, full: bool = False) -> dict:
    from safeloop.credit import scoring, services

    today = today or timezone.localdate()
    with acting_as(None), transaction.atomic():
        counts = scoring.run(today, full=full)
        counts["proposed"] = len(services.evaluate(today))
        counts["removed"] = services.expire_due(actor=None, today=today)
    return counts


@app.periodic(cron="20 1 * * *")
@app.task(name="credit.daily", queue="credit")
def daily_job(timestamp: int) -> None:
    daily()


@app.task(name="credit.refresh", queue="credit")
def refresh_job(enterprise_id: int) -> None:
    """One enterprise's credit after a change to its records (queued by signals.py)."""
    from safeloop.credit import services
    from safeloop.enterprises.models import Enterprise

    with acting_as(None), transaction.atomic():
        if Enterprise.objects.filter(pk=enterprise_id, deleted_at__isnull=True).exists():
            services.refresh(enterprise_id)


def queue_refresh(enterprise_id: int) -> bool:
    """Queue `refresh_job` unless one for the enterprise is already waiting; True if queued."""
    return defer_once(refresh_job, f"credit.refresh:{enterprise_id}", enterprise_id=enterprise_id)


def queue_refresh_after_commit(enterprise_id: int) -> None:
    defer_after_commit(refresh_job, f"credit.refresh:{enterprise_id}", enterprise_id=enterprise_id)

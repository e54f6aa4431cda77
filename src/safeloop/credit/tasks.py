"""The daily credit job: the full set-based recompute (events that became due or expired),
the list triggers for every enterprise, and the automatic removal at the end of the period."""

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core.context import acting_as


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

"""The monthly bulletins job: runs daily and makes last month's bulletins that are missing,
so a day the worker was down is caught up the next day; existing bulletins are left alone."""

from datetime import date, timedelta

from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.bulletins.services import generate_missing
from safeloop.core.context import acting_as


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@app.periodic(cron="47 2 * * *")
@app.task(name="bulletins.monthly", queue="bulletins")
def monthly_bulletins(timestamp: int) -> int:
    with acting_as(None):
        return generate_missing(last_month(timezone.localdate()))

"""Demo bulletins: last month's and the month before, for the city and every county, made by
the same service as the monthly job (idempotent: a month already issued is left alone)."""

from datetime import timedelta

from django.utils import timezone

from safeloop.bulletins.services import generate_missing


def seed() -> int:
    first = timezone.localdate().replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    month_before = (last_month - timedelta(days=1)).replace(day=1)
    return generate_missing(month_before) + generate_missing(last_month)

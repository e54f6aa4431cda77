"""Rate limits kept in the database (`core.models.RateCounter`), so they hold across every
process and need no cache server.

`hit(key, limit=…, per=…)` counts one hit of `key` in the current fixed window of `per`
seconds and says whether it is still within `limit`; `check` raises `RateLimited` instead,
and `too_many(request, error)` renders the 429 page (Chinese, with when to try again).
Old windows are removed by `purge()`, daily (the periodic job `core.purge_rate_counters`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.shortcuts import render
from django.utils import timezone


@dataclass
class RateLimited(Exception):
    """`key` went over its limit; `retry_after` seconds until its window ends."""

    key: str
    retry_after: int


def _window(per: int):
    now = timezone.now()
    epoch = int(now.timestamp())
    start = epoch - epoch % per
    return now.fromtimestamp(start, tz=now.tzinfo), start + per - epoch


def hit(key: str, *, limit: int, per: int) -> bool:
    """Count one hit of `key` in the current window of `per` seconds: True while the count is
    at most `limit`. One statement (an upsert), safe under concurrency."""
    start, _ = _window(per)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_ratecounter (key, window_start, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE "
            "SET count = core_ratecounter.count + 1 RETURNING count",
            [key[:200], start],
        )
        (count,) = cursor.fetchone()
    return count <= limit


def check(key: str, *, limit: int, per: int) -> None:
    """`hit`, raising RateLimited when over the limit."""
    if not hit(key, limit=limit, per=per):
        raise RateLimited(key, _window(per)[1])


def client_ip(request) -> str:
    """The client's address, the real one behind our trusted reverse proxies
    (`core.middleware.client_ip`), so a limit counts clients, not the proxy."""
    from safeloop.core.middleware import client_ip as address

    return address(request) or "unknown"


def too_many(request, error: RateLimited):
    """The 429 page: what happened and when to try again, with a Retry-After header."""
    response = render(
        request,
        "core/429.html",
        {"minutes": max(1, (error.retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def purge(older_than: timedelta = timedelta(days=2)) -> int:
    """Remove counters of windows that started before `older_than` ago."""
    from safeloop.core.models import RateCounter

    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted

from procrastinate.contrib.django import app

from safeloop.core import audit
from safeloop.core.context import acting_as


@app.periodic(cron="17 3 * * *")  # daily at 03:17, outside office hours
@app.task(name="core.prune_audit", queue="maintenance")
def prune_audit(timestamp: int) -> int:
    """Delete audit entries older than the retention period (≥ 180 days)."""
    with acting_as(None):
        return audit.prune()


@app.periodic(cron="47 3 * * *")  # daily at 03:47
@app.task(name="core.purge_rate_counters", queue="maintenance")
def purge_rate_counters(timestamp: int) -> int:
    """Remove rate-limit counters of windows that ended days ago."""
    from safeloop.core import ratelimit

    return ratelimit.purge()

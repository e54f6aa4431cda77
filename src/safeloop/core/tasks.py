from procrastinate.contrib.django import app

from safeloop.core import audit, stalled
from safeloop.core.context import acting_as
from safeloop.core.stalled import retry_safe


@app.periodic(cron="17 3 * * *")  # daily at 03:17, outside office hours
@retry_safe
@app.task(name="core.prune_audit", queue="maintenance")
def prune_audit(timestamp: int) -> int:
    """Delete audit entries older than the retention period (≥ 180 days)."""
    with acting_as(None):
        return audit.prune()


@app.periodic(cron="* * * * *")  # every minute
@app.task(name="core.seal_audit", queue="maintenance")
def seal_audit(timestamp: int) -> int:
    """Chain the committed audit entries not sealed yet (core.audit.seal)."""
    return audit.seal()


@app.periodic(cron="47 3 * * *")  # daily at 03:47
@retry_safe
@app.task(name="core.purge_rate_counters", queue="maintenance")
def purge_rate_counters(timestamp: int) -> int:
    """Remove rate-limit counters of windows that ended days ago."""
    from safeloop.core import ratelimit

    return ratelimit.purge()


@retry_safe
@app.task(name="core.run_export", queue="exports")
def run_export(export_id: int) -> None:
    """Build one large Excel export (core/exports.py) as the user who asked for it. Retried
    when its worker died: it finds its export still running and builds the file anew."""
    from safeloop.core import exports

    exports.run(export_id)


@app.periodic(cron="7 4 * * *")  # daily at 04:07
@retry_safe
@app.task(name="core.expire_exports", queue="maintenance")
def expire_exports(timestamp: int) -> int:
    """Delete the files of old exports (the records of who exported what stay)."""
    from safeloop.core import exports

    return exports.expire()


@app.periodic(cron="* * * * *")  # every minute
@retry_safe
@app.task(name="core.recover_stalled_jobs", queue="maintenance", lock="core.recover_stalled_jobs")
def recover_stalled_jobs(timestamp: int) -> dict[str, int]:
    """Retry or fail the jobs of dead workers and reset what they, or a web request that
    died, left half-way (core/stalled.py)."""
    with acting_as(None):
        return stalled.recover()

"""Background jobs: the day's task generation, the missed-task scan and the completion
standings' refresh, all periodic, and a generation run an administrator starts from the
screen or the API."""

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core import audit
from safeloop.core.context import acting_as
from safeloop.selfchecks import generation, standings
from safeloop.selfchecks.choices import RunKind
from safeloop.selfchecks.models import JobRun


@app.task(name="selfchecks.run", queue="selfchecks")
def run_job(run_id: int) -> int:
    """Execute a queued JobRun; returns the number of tasks it created or marked missed."""
    run = JobRun.objects.select_related("requested_by").get(pk=run_id)
    with acting_as(run.requested_by, request_id=f"selfchecks-run-{run.pk}"):
        return generation.execute(run).created


# Missed first (yesterday's tasks close at midnight), then the new day's tasks.
@app.periodic(cron="5 0 * * *")
@app.task(name="selfchecks.daily_missed", queue="selfchecks")
def daily_missed(timestamp: int) -> int:
    with acting_as(None):
        return generation.run_now(RunKind.MISS, timezone.localdate()).created


@app.periodic(cron="15 0 * * *")
@app.task(name="selfchecks.daily_generate", queue="selfchecks")
def daily_generate(timestamp: int) -> int:
    with acting_as(None):
        return generation.run_now(RunKind.GENERATE, timezone.localdate()).created


# Then the completion table's preset windows roll to the new day (standings.refresh).
@app.periodic(cron="25 0 * * *")
@app.task(name="selfchecks.daily_standings", queue="selfchecks")
def daily_standings(timestamp: int) -> int:
    return standings.refresh(timezone.localdate())


def start(kind: str, day, *, requested_by) -> JobRun:
    """Queue a run for the worker; its row shows the progress."""
    with transaction.atomic():
        run = JobRun.objects.create(kind=kind, day=day, requested_by=requested_by)
        audit.record("selfchecks.jobrun.start", run, actor=requested_by)
        run_job.defer(run_id=run.pk)
    return run

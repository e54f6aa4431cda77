"""Work left half-way by a process that died: jobs of a dead worker, and records an app left
in a working state (an import batch *checking* or *applying*) with nothing running them.

A worker writes a heartbeat every 10 seconds (procrastinate's `update_heartbeat_interval`).
A job in *doing* whose worker has not written one for `STALLED_JOB_SECONDS` (setting, env
`SAFELOOP_STALLED_JOB_SECONDS`, default 300 s) is stalled: its worker was killed, lost its
machine or its database connection. The periodic job `core.recover_stalled_jobs` (every
minute) then

- retries a stalled job whose task is declared retry-safe (`retry_safe`: running it twice
  does no harm, e.g. a pruning job), and marks any other stalled job failed;
- runs each app's recovery (`recovery`): it resets the records that job, or a web request
  that died, left in a working state for longer than the same timeout, to a state the user
  can retry from, through the record's lifecycle.

Apps register on import of their `tasks` module, which the worker and the tests load.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from procrastinate import exceptions, jobs, sql
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

RETRY_SAFE: set[str] = set()
_recoveries: list[Callable[[int], int]] = []


def retry_safe(task):
    """Declare `task` safe to run again when its worker died mid-run (a decorator, above
    `@app.task`): running it twice must do no harm."""
    RETRY_SAFE.add(task.name)
    return task


def recovery(func: Callable[[int], int]) -> Callable[[int], int]:
    """Register `func(seconds) -> records reset`: it puts records left in a working state for
    more than `seconds`, with no live job, back to a state the user can retry from."""
    if func not in _recoveries:
        _recoveries.append(func)
    return func


def timeout() -> int:
    """Seconds without a heartbeat (a job) or in a working state (a record) before the
    work counts as dead."""
    return int(settings.STALLED_JOB_SECONDS)


def stalled_jobs(seconds: int) -> list[jobs.Job]:
    """Jobs in *doing* whose worker is gone or has sent no heartbeat for `seconds`."""
    rows = app.connector.get_sync_connector().execute_query_all(
        query=sql.queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=seconds,
    )
    return [jobs.Job.from_row(row) for row in rows]


def recover(seconds: int | None = None) -> dict[str, int]:
    """Retry or fail the stalled jobs, then reset what they (or dead requests) left
    half-way. Returns the counts, for the job's result and the tests."""
    seconds = timeout() if seconds is None else seconds
    connector = app.connector.get_sync_connector()
    retried = failed = 0
    for job in stalled_jobs(seconds):
        assert job.id is not None
        try:
            if job.task_name in RETRY_SAFE:
                app.job_manager.retry_job_by_id(job.id, retry_at=timezone.now())
                retried += 1
            else:
                connector.execute_query(
                    query=sql.queries["finish_job"],
                    job_id=job.id,
                    status=jobs.Status.FAILED.value,
                    delete_job=False,
                )
                failed += 1
        except exceptions.ConnectorException:  # it ended meanwhile: nothing to recover
            continue
        logger.warning(
            "stalled job %s (%s) %s",
            job.id,
            job.task_name,
            "retried" if job.task_name in RETRY_SAFE else "failed",
        )
    reset = sum(func(seconds) for func in list(_recoveries))
    return {"retried": retried, "failed": failed, "reset": reset}

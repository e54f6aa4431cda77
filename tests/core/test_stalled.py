"""Stalled jobs (core/stalled.py): a real worker process killed (SIGKILL) in the middle of a
retry-safe job; the recovery retries the job and a new worker finishes it. The job is held
half-way by a row lock the test takes on what it deletes."""

import signal
import time

import psycopg
import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core import audit, stalled
from safeloop.core.models import AuditEntry
from safeloop.core.tasks import prune_audit, recover_stalled_jobs
from tests.conftest import (
    backend_alive,
    database_url,
    run_worker,
    start_worker,
    stop,
    wait_for,
    waiting_on_lock,
)
from tests.core.test_audit import _age


def test_the_recovery_runs_every_minute_and_knows_the_retry_safe_jobs(settings):
    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["core.recover_stalled_jobs"].cron == "* * * * *"
    assert {
        "core.prune_audit",
        "core.purge_rate_counters",
        "core.expire_exports",
        "core.run_export",
        "core.recover_stalled_jobs",
    } <= stalled.RETRY_SAFE
    # a ledger import is not retried: its batch is marked interrupted for its uploader
    assert "enterprises.run_import" not in stalled.RETRY_SAFE
    assert settings.STALLED_JOB_SECONDS == 300
    assert stalled.timeout() == 300


@pytest.mark.django_db(transaction=True)
def test_a_retry_safe_job_of_a_killed_worker_is_retried(settings, tmp_path):
    old = audit.record("test.old")
    _age(old, 400)
    job_id = prune_audit.defer(timestamp=int(timezone.now().timestamp()))
    lock = psycopg.connect(database_url())
    worker = start_worker(tmp_path, "maintenance")
    try:
        # The test holds the old entry: the pruning job waits on it, half-way.
        lock.execute("SELECT 1 FROM core_auditentry WHERE id = %s FOR UPDATE", [old.pk])
        wait_for(lambda: waiting_on_lock(), "the pruning job to wait on the row")
        (blocked,) = waiting_on_lock()
        assert ProcrastinateJob.objects.get(id=job_id).status == "doing"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        lock.rollback()
        wait_for(lambda: not backend_alive(blocked), "the dead worker's backend to end")
    finally:
        lock.close()
        stop(worker)
    assert ProcrastinateJob.objects.get(id=job_id).status == "doing"  # stuck on its own

    settings.STALLED_JOB_SECONDS = 1
    time.sleep(1.5)  # the dead worker's last heartbeat is older than the timeout
    done = recover_stalled_jobs(timestamp=int(time.time()))
    assert done["retried"] >= 1
    job = ProcrastinateJob.objects.get(id=job_id)
    assert job.status == "todo"
    assert AuditEntry.objects.filter(pk=old.pk).exists()  # nothing of the killed run stayed

    run_worker(["maintenance"], timeout=60)  # a new worker runs it again, to the end
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert not AuditEntry.objects.filter(pk=old.pk).exists()

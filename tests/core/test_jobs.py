"""The periodic audit-pruning job, run by a real procrastinate worker on PostgreSQL."""

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core import audit
from safeloop.core.models import AuditEntry
from safeloop.core.tasks import prune_audit
from tests.conftest import run_worker
from tests.core.test_audit import _age


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_pruning_job():
    old = audit.record("test.old")
    _age(old, 400)
    job_id = prune_audit.defer(timestamp=int(timezone.now().timestamp()))

    run_worker(["maintenance"], timeout=60)
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_job_is_scheduled_daily():
    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert "core.prune_audit" in periodic
    assert periodic["core.prune_audit"].cron == "17 3 * * *"


@pytest.mark.django_db(transaction=True)
def test_a_follow_up_job_is_queued_once_per_commit_and_a_rollback_leaves_nothing_behind():
    """core.jobs.defer_after_commit: once per transaction and key, after the commit; a
    rolled-back transaction queues nothing and does not stop the next one from queueing."""
    from django.db import transaction

    from safeloop.core.jobs import defer_after_commit

    def waiting():
        return ProcrastinateJob.objects.filter(task_name="core.prune_audit", status="todo")

    with pytest.raises(RuntimeError), transaction.atomic():
        defer_after_commit(prune_audit, "test-key", timestamp=1)
        raise RuntimeError
    assert not waiting().exists()
    with transaction.atomic():
        defer_after_commit(prune_audit, "test-key", timestamp=2)
        defer_after_commit(prune_audit, "test-key", timestamp=3)
        assert not waiting().exists()  # not before the commit
    assert [job.args for job in waiting()] == [{"timestamp": 2}]
    with transaction.atomic():  # one is waiting: the queueing lock keeps it the only one
        defer_after_commit(prune_audit, "test-key", timestamp=4)
    assert waiting().count() == 1
    run_worker(["maintenance"], timeout=60)
    defer_after_commit(prune_audit, "test-key", timestamp=5)  # outside a transaction: at once
    assert [job.args for job in waiting()] == [{"timestamp": 5}]
    run_worker(["maintenance"], timeout=60)

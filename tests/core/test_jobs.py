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

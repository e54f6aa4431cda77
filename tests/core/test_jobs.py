"""The periodic audit-pruning job, run by a real procrastinate worker on PostgreSQL."""

import threading

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core import audit
from safeloop.core.models import AuditEntry
from safeloop.core.tasks import prune_audit
from tests.core.test_audit import _age


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_pruning_job():
    old = audit.record("test.old")
    _age(old, 400)
    job_id = prune_audit.defer(timestamp=int(timezone.now().timestamp()))

    # The worker's own connection, as `safeloop worker` uses; in its own thread, as a worker
    # process would be, away from any event loop the test session runs.
    def work():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            worker_app.run_worker(
                queues=["maintenance"],
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
            )

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_job_is_scheduled_daily():
    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert "core.prune_audit" in periodic
    assert periodic["core.prune_audit"].cron == "17 3 * * *"

"""Credit follows the records through the worker: a committed change queues one refresh of
its enterprise (one while it waits, however many changes), and the worker scores it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.credit import tasks
from safeloop.credit.models import CreditRecord
from tests.conftest import run_worker
from tests.credit.test_scoring import hazard


def waiting():
    return list(
        ProcrastinateJob.objects.filter(task_name="credit.refresh", status="todo").values_list(
            "args", flat=True
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_change_queues_one_refresh_that_the_worker_scores(world, credit):
    run_worker(["credit"])  # the world's own ledger entries queued theirs
    assert waiting() == []
    today = timezone.localdate()
    first = hazard(world.inside, deadline=today - timedelta(days=3))
    hazard(world.inside, deadline=today - timedelta(days=2))
    hazard(world.sibling, deadline=today - timedelta(days=2))
    assert sorted(waiting(), key=str) == sorted(
        [{"enterprise_id": world.inside.pk}, {"enterprise_id": world.sibling.pk}], key=str
    )
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    assert not record.events.exists()  # not scored in the request
    run_worker(["credit"])
    assert waiting() == []
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    assert record.events.filter(kind="hazard_overdue").count() == 2
    assert record.events.filter(source_id=first.pk).exists()
    assert CreditRecord.objects.get(enterprise=world.sibling, key="e").score < 100
    # after the run, the next change queues again
    assert tasks.queue_refresh(world.inside.pk) is True
    assert tasks.queue_refresh(world.inside.pk) is False


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(world, credit):
    run_worker(["credit"])
    with pytest.raises(RuntimeError), transaction.atomic():
        hazard(world.inside, deadline=timezone.localdate())
        raise RuntimeError
    assert waiting() == []

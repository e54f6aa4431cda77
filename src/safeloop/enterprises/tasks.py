from datetime import timedelta

from django.db.models.functions import Coalesce
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core import stalled
from safeloop.core.context import acting_as
from safeloop.core.errors import IllegalMove
from safeloop.enterprises import services
from safeloop.enterprises.imports import run_batch
from safeloop.enterprises.models import ImportBatch, ImportStatus

RUN_IMPORT = "enterprises.run_import"


@app.task(name=RUN_IMPORT, queue="imports")
def run_import(batch_id: int, apply: bool) -> str:
    """Check or apply a large ledger spreadsheet outside the request. Not retried when its
    worker dies: the batch is marked interrupted and its uploader retries it (the data may
    have changed since the check)."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    with acting_as(batch.created_by, request_id=f"import-{batch.token}"):
        return run_batch(batch, apply=apply).status


@stalled.recovery
def recover_batches(seconds: int) -> int:
    """Mark interrupted the batches checking or importing for more than `seconds` that no
    live job runs: a small one ran in a web request that died, a large one's job failed or
    its worker died (core/stalled.py has failed that job first). A queued job still waiting
    for a worker is live."""
    live = {
        job.args.get("batch_id")
        for job in ProcrastinateJob.objects.filter(
            task_name=RUN_IMPORT, status__in=("todo", "doing")
        ).only("args")
    }
    stuck = (
        ImportBatch.objects.filter(status__in=(ImportStatus.CHECKING, ImportStatus.APPLYING))
        .alias(since=Coalesce("moved_at", "created_at"))
        .filter(since__lt=timezone.now() - timedelta(seconds=seconds))
        .order_by("pk")
    )
    reset = 0
    for batch in stuck:
        if batch.background and batch.pk in live:
            continue
        try:
            services.interrupt_batch(actor=None, batch=batch)
        except IllegalMove:  # it finished meanwhile
            continue
        reset += 1
    return reset

from procrastinate.contrib.django import app

from safeloop.core.context import acting_as
from safeloop.enterprises.imports import run_batch
from safeloop.enterprises.models import ImportBatch


@app.task(name="enterprises.run_import", queue="imports")
def run_import(batch_id: int, apply: bool) -> str:
    """Check or apply a large ledger spreadsheet outside the request."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    with acting_as(batch.created_by, request_id=f"import-{batch.token}"):
        return run_batch(batch, apply=apply).status

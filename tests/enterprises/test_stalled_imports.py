"""A worker killed (SIGKILL) in the middle of an import, and a web request that died in the
middle of one: the stalled-work recovery (core/stalled.py) fails the job, marks the batch
interrupted with an audit entry, nothing of the import is written, and the uploader's retry
succeeds with a new worker. Real worker processes on the test database; the import is held
half-way by a row lock the test takes on the enterprise it changes."""

import signal
import time
from datetime import timedelta

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core import stalled
from safeloop.core.errors import IllegalMove, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.core.tasks import recover_stalled_jobs
from safeloop.enterprises import services
from safeloop.enterprises.models import Enterprise, ImportBatch
from safeloop.orgs.models import Region, RegionLevel
from safeloop.orgs.roles import REGULATORS, Role
from tests.conftest import (
    backend_alive,
    database_url,
    make_user,
    start_worker,
    stop,
    valid_uscc,
    wait_for,
    waiting_on_lock,
)
from tests.enterprises.test_spreadsheets import row, xlsx
from tests.scope import assert_status

USCC = valid_uscc("640104", 8101)


def status(batch) -> str:
    batch.refresh_from_db()
    return batch.status


@pytest.fixture
def admin(settings, tmp_path, django_db_setup):
    settings.MEDIA_ROOT = tmp_path
    city = Region.objects.create(code="640100", name="银川市", level=RegionLevel.CITY)
    Region.objects.create(code="640104", name="兴庆区", level="county", parent=city)
    return make_user("stalled_admin", Role.CITY_ADMIN, region=city)


def upload(client, name: str):
    content = xlsx([row(**{"统一社会信用代码": USCC, "企业名称": name})])
    client.post("/enterprises/import/", {"file": SimpleUploadedFile("台账.xlsx", content)})
    return ImportBatch.objects.latest("id")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_succeeds(
    client, settings, admin, tmp_path
):
    client.force_login(admin)
    first = upload(client, "原名称企业")  # small: checked and imported in the request
    client.post(f"/enterprises/import/{first.token}/confirm/")
    assert status(first) == "applied"

    settings.LEDGER_IMPORT_SYNC_BYTES = 1  # the next file runs in the worker
    batch = upload(client, "新名称企业")
    assert batch.background and batch.status == "checking"
    worker = start_worker(tmp_path, "imports")
    lock = psycopg.connect(database_url())
    try:
        wait_for(lambda: status(batch) == "checked", "the check")
        # The test holds the enterprise's row: the worker's import waits on it, half-way.
        lock.execute("SELECT 1 FROM enterprises_enterprise WHERE uscc = %s FOR UPDATE", [USCC])
        client.post(f"/enterprises/import/{batch.token}/confirm/")
        assert status(batch) == "applying"
        wait_for(lambda: waiting_on_lock(), "the import to wait on the row")
        (blocked,) = waiting_on_lock()
        job = ProcrastinateJob.objects.get(args__batch_id=batch.pk, args__apply=True)
        assert job.status == "doing"

        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        lock.rollback()  # the dead worker's transaction goes on, finds no client, rolls back
        wait_for(lambda: not backend_alive(blocked), "the dead worker's backend to end")
    finally:
        lock.close()
        stop(worker)

    # Still importing, the job still doing: nothing recovers it on its own.
    assert status(batch) == "applying"
    job.refresh_from_db()
    assert job.status == "doing"
    # Recovery under the default timeout leaves it: the worker has been silent only seconds.
    stalled.recover()
    job.refresh_from_db()
    assert (job.status, status(batch)) == ("doing", "applying")

    settings.STALLED_JOB_SECONDS = 1
    time.sleep(1.5)  # the dead worker's last heartbeat is now older than the timeout
    done = recover_stalled_jobs(timestamp=int(time.time()))
    assert done["failed"] >= 1 and done["reset"] == 1
    job.refresh_from_db()
    assert job.status == "failed"
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.message == services.INTERRUPTED
    entry = AuditEntry.objects.get(action="enterprises.importbatch.interrupt")
    assert entry.object_id == str(batch.pk)
    assert entry.changes["status"] == ["applying", "failed"]
    assert entry.actor_id is None  # the system
    assert Enterprise.objects.get(uscc=USCC).name == "原名称企业"  # nothing of it written
    page = client.get(f"/enterprises/import/{batch.token}/").content.decode()
    assert "任务中断" in page and 'id="retry-form"' in page and "重试" in page
    assert recover_stalled_jobs(timestamp=int(time.time()))["reset"] == 0  # once only

    # The uploader retries: the file is checked again, then imported, by a new worker.
    settings.STALLED_JOB_SECONDS = 300
    response = client.post(f"/enterprises/import/{batch.token}/retry/")
    assert response.status_code == 302
    assert status(batch) == "checking"
    assert AuditEntry.objects.get(action="enterprises.importbatch.retry").changes["status"] == [
        "failed",
        "checking",
    ]
    worker = start_worker(tmp_path, "imports")
    try:
        wait_for(lambda: status(batch) == "checked", "the retried check")
        assert (batch.updated_count, batch.message) == (1, "")
        client.post(f"/enterprises/import/{batch.token}/confirm/")
        wait_for(lambda: status(batch) == "applied", "the import")
    finally:
        stop(worker)
    assert Enterprise.objects.get(uscc=USCC).name == "新名称企业"


def age(batch, seconds: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        moved_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_left_by_a_dead_request_is_reset_by_age(client, settings, admin):
    """A small file runs in the request; if that process dies the batch stays checking or
    importing with no job at all. Older than the timeout, it is interrupted; younger, or a
    large file whose job still waits in the queue, is left alone."""
    settings.STALLED_JOB_SECONDS = 60
    dead_check = services.upload_batch(
        actor=admin, upload=SimpleUploadedFile("a.xlsx", xlsx([row()]))
    )
    young = services.upload_batch(actor=admin, upload=SimpleUploadedFile("b.xlsx", xlsx([row()])))
    settings.LEDGER_IMPORT_SYNC_BYTES = 1
    queued = services.upload_batch(actor=admin, upload=SimpleUploadedFile("c.xlsx", xlsx([row()])))
    assert queued.background and not dead_check.background
    assert ProcrastinateJob.objects.filter(args__batch_id=queued.pk, status="todo").exists()
    age(dead_check, 61)
    age(young, 59)
    age(queued, 3600)

    assert recover_stalled_jobs(timestamp=int(time.time()))["reset"] == 1
    assert (status(dead_check), status(young), status(queued)) == ("failed", "checking", "checking")
    assert dead_check.message == services.INTERRUPTED

    # Its uploader retries in the request: checked at once.
    client.force_login(admin)
    response = client.post(f"/enterprises/import/{dead_check.token}/retry/")
    assert response.status_code == 302
    assert status(dead_check) == "checked" and dead_check.error_count == 0
    client.post(f"/enterprises/import/{dead_check.token}/confirm/")
    assert status(dead_check) == "applied"

    # An import that died in the request: the same, from importing.
    settings.LEDGER_IMPORT_SYNC_BYTES = 4 * 1024 * 1024
    applying = services.upload_batch(
        actor=admin, upload=SimpleUploadedFile("d.xlsx", xlsx([row()])), check=False
    )
    ImportBatch.objects.filter(pk=applying.pk).update(status="applying")
    age(applying, 61)
    assert recover_stalled_jobs(timestamp=int(time.time()))["reset"] == 1
    assert status(applying) == "failed"
    entries = AuditEntry.objects.filter(action="enterprises.importbatch.interrupt")
    assert sorted(e.changes["status"][0] for e in entries) == ["applying", "checking"]


# Who may retry -----------------------------------------------------------------------


@pytest.fixture
def interrupted(world, settings, tmp_path):
    """A small batch of the county administrator's, interrupted while checking."""
    settings.MEDIA_ROOT = tmp_path
    uploader = world.user(Role.COUNTY_ADMIN)
    upload = SimpleUploadedFile("台账.xlsx", xlsx([row()]))
    batch = services.upload_batch(actor=uploader, upload=upload)
    return services.interrupt_batch(actor=None, batch=batch)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_uploader_retries_a_failed_batch(world, client, interrupted, role):
    client.force_login(world.user(role))
    response = client.post(f"/enterprises/import/{interrupted.token}/retry/")
    if role == Role.COUNTY_ADMIN:  # the uploader: checked again, in the request
        assert_status(response, 302)
        assert status(interrupted) == "checked" and interrupted.message == ""
        assert AuditEntry.objects.filter(action="enterprises.importbatch.retry").count() == 1
        return
    # a regulator who is not the uploader does not see the batch; nobody else may import
    assert_status(response, 404 if role in REGULATORS else 403)
    assert status(interrupted) == "failed"
    assert not AuditEntry.objects.filter(action="enterprises.importbatch.retry").exists()


@pytest.mark.parametrize("role", list(Role))
def test_the_retry_service_refuses_as_the_page_does(world, interrupted, role):
    actor = world.user(role)
    if role == Role.COUNTY_ADMIN:
        assert services.retry_batch(actor=actor, batch=interrupted).status == "checking"
        return
    with pytest.raises(NotFound if role in REGULATORS else NotPermitted):
        services.retry_batch(actor=actor, batch=interrupted)
    assert status(interrupted) == "failed"


def test_a_retry_needs_a_failed_batch_and_a_post(world, client, interrupted):
    uploader = world.user(Role.COUNTY_ADMIN)
    client.force_login(uploader)
    url = f"/enterprises/import/{interrupted.token}/retry/"
    assert_status(client.get(url), 405)
    assert_status(client.post(url), 302)
    assert status(interrupted) == "checked"
    again = client.post(url)  # checked: nothing to retry
    assert_status(again, 409)
    assert "重试" not in again.content.decode().split('id="import-status"')[1].split("</div>")[0]
    assert status(interrupted) == "checked"
    with pytest.raises(IllegalMove):
        services.retry_batch(actor=uploader, batch=interrupted)
    client.logout()
    assert client.post(url).status_code == 302  # to the sign-in page
    assert status(interrupted) == "checked"


def test_the_recovery_is_no_one_elses_move(world, interrupted):
    services.retry_batch(actor=world.user(Role.COUNTY_ADMIN), batch=interrupted)
    with pytest.raises(NotPermitted):  # the uploader cannot mark their batch interrupted
        services.interrupt_batch(actor=world.user(Role.COUNTY_ADMIN), batch=interrupted)
    with pytest.raises(NotFound):
        services.interrupt_batch(actor=world.user(Role.CITY_ADMIN), batch=interrupted)

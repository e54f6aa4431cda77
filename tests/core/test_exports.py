"""The kit's background exports (core/exports.py): every registered list export replays in
the worker; a failure is recorded and told, never lost; a retried job builds anew; old files
expire while the record of who exported what stays."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.core import exports
from safeloop.core.models import ExportFile, Notification
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from tests.conftest import run_worker
from tests.scope import assert_status

LISTS = {
    "hazards": "/hazards/export.xlsx",
    "inspection-visits": "/inspections/visits.xlsx",
    "selfcheck-tasks": "/selfchecks/tasks/export.xlsx",
    "risk-points": "/risks/export.xlsx",
    "enterprises": "/enterprises/export/",
    "selfcheck-completion": "/selfchecks/completion/?format=xlsx",
    "key-units": "/alerts/key-units/export.xlsx",
}


def test_every_list_export_is_registered():
    assert set(LISTS) <= set(exports.REGISTRY)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", LISTS)
def test_each_list_export_replays_in_the_worker(client, world, settings, kind):
    settings.EXPORT_INLINE_ROWS = -1  # every export goes to the worker, even an empty one
    user = world.user(Role.CITY_ADMIN)
    client.force_login(user)
    got = client.get(LISTS[kind])
    assert_status(got, 302)
    run_worker(["exports"])
    export = ExportFile.objects.get(kind=kind)
    # the world's lists are empty but its ledger and the completion table, which has a row
    # for each of the city's two enterprises
    every = kind in ("enterprises", "selfcheck-completion")
    rows = Enterprise.objects.for_user(user).count() if every else 0
    assert (export.state, export.rows, export.error) == ("done", rows, "")
    content = b"".join(client.get(f"/exports/{export.pk}/file/").streaming_content)
    header = next(load_workbook(BytesIO(content), read_only=True).worksheets[0].values)
    assert all(isinstance(h, str) and h for h in header)
    # the owner's language, not the worker's (L, E, C, S: the risk method's own symbols)
    assert not any(h.isascii() and len(h) > 1 for h in header), list(header)


@pytest.mark.django_db
@pytest.mark.parametrize("spare", [0, -1])
def test_a_wide_export_goes_to_the_worker_past_the_cell_budget(client, world, settings, spare):
    """Rows × columns of the widest sheet decide as well as rows: the city's two enterprises
    in the ledger's 40 columns are 80 cells, at once within a budget of 80, queued at 79."""
    from safeloop.enterprises.columns import HEADERS

    user = world.user(Role.CITY_ADMIN)
    rows = Enterprise.objects.for_user(user).count()
    settings.EXPORT_INLINE_CELLS = rows * len(HEADERS) + spare
    client.force_login(user)
    got = client.get(LISTS["enterprises"])
    if spare == 0:
        assert_status(got, 200)
        book = load_workbook(BytesIO(got.content), read_only=True)
        assert len(list(book.worksheets[0].values)) == rows + 1
        assert not ExportFile.objects.exists()
    else:
        assert_status(got, 302)
        assert got["Location"].startswith("/exports/")
        assert ExportFile.objects.get(kind="enterprises").state == "queued"


@pytest.mark.django_db
def test_a_failure_is_recorded_and_told(world):
    user = world.user(Role.COUNTY_ADMIN)
    export = ExportFile.objects.create(owner=user, kind="gone", title="旧导出", language="zh-hans")
    exports.run(export.pk)
    export.refresh_from_db()
    assert export.state == "failed" and "未能生成" in export.error
    assert not export.file and export.finished_at
    assert "导出失败" in Notification.objects.get(recipient=user).title
    assert exports.run(export.pk) is None  # a failed export is not run again


@pytest.mark.django_db
def test_a_job_retried_after_its_worker_died_builds_anew(world):
    user = world.user(Role.CITY_ADMIN)
    export = ExportFile.objects.create(
        owner=user, kind="hazards", title="隐患", language="zh-hans", state="running"
    )
    assert exports.run(export.pk).state == "done"


@pytest.mark.django_db
def test_old_files_expire_and_the_record_stays(client, world, settings):
    settings.EXPORT_KEEP_DAYS = 7
    user = world.user(Role.CITY_ADMIN)
    old = ExportFile.objects.create(owner=user, kind="hazards", title="隐患", language="zh-hans")
    old.file.save("old.xlsx", ContentFile(b"x"), save=False)
    old.state = "done"
    old.save()
    ExportFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    new = ExportFile.objects.create(
        owner=user, kind="hazards", title="隐患", language="zh-hans", state="done"
    )
    new.file.save("new.xlsx", ContentFile(b"y"))
    assert exports.expire() == 1
    old.refresh_from_db()
    assert old.state == "expired" and not old.file
    client.force_login(user)
    assert_status(client.get(f"/exports/{old.pk}/file/"), 404)
    assert_status(client.get(f"/exports/{new.pk}/file/"), 200)
    page = client.get("/exports/").content.decode()
    assert "已过期" in page and "可下载" in page and "我的导出" in page

"""A hazard list longer than EXPORT_INLINE_ROWS is exported by the worker: the request
answers at once with the exports page, the worker replays the same filters as the same user,
and only that user can download the file."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from safeloop.core.models import AuditEntry, ExportFile, Notification
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.conftest import run_worker
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db(transaction=True)


def _numbers(content: bytes) -> list[str]:
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True))


def test_a_short_list_still_comes_back_at_once(client, world, make_hazard, settings):
    settings.EXPORT_INLINE_ROWS = 5
    make_hazard()
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    got = client.get("/hazards/export.xlsx")
    assert_status(got, 200)
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportFile.objects.exists()


def test_a_long_list_is_built_by_the_worker_with_the_same_filters(
    client, world, make_hazard, settings
):
    settings.EXPORT_INLINE_ROWS = 2
    wanted = [make_hazard(level=Level.GENERAL) for _ in range(3)]
    make_hazard(level=Level.MAJOR)  # filtered out below
    inspector = world.user(Role.COUNTY_INSPECTOR)
    client.force_login(inspector)

    got = client.get("/hazards/export.xlsx?level=general&page=3")
    export = ExportFile.objects.get()
    assert_status(got, 302)
    assert got["Location"] == f"/exports/#export-{export.pk}"
    assert (export.owner, export.kind, export.state) == (inspector, "hazards", "queued")
    assert export.query == "level=general"  # the page number is not a filter
    assert AuditEntry.objects.filter(object_id=str(export.pk), actor=inspector).exists()
    page = client.get("/exports/").content.decode()
    assert f'id="export-{export.pk}"' in page and 'http-equiv="refresh"' in page

    run_worker(["exports"])
    export.refresh_from_db()
    assert (export.state, export.rows) == ("done", 3)
    assert export.finished_at is not None
    note = Notification.objects.get(recipient=inspector, kind="export")
    assert note.link == f"/exports/#export-{export.pk}" and "隐患" in note.title

    page = client.get("/exports/").content.decode()
    assert f"/exports/{export.pk}/file/" in page and 'http-equiv="refresh"' not in page
    file = client.get(f"/exports/{export.pk}/file/")
    assert_status(file, 200)
    assert file["Cache-Control"] == "private, no-store"
    numbers = _numbers(b"".join(file.streaming_content))
    assert numbers == sorted(h.number for h in wanted)


def test_the_worker_exports_only_what_its_owner_sees(client, world, make_hazard, settings):
    settings.EXPORT_INLINE_ROWS = 1
    mine = [make_hazard(), make_hazard()]
    Hazard.objects.create(  # another city: never in a county inspector's export
        enterprise=world.outside,
        state=State.RECTIFYING,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="外市",
        description="外市隐患",
        deadline=mine[0].deadline,
    )
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    client.get("/hazards/export.xlsx")
    run_worker(["exports"])
    export = ExportFile.objects.get()
    assert export.rows == 2
    content = b"".join(client.get(f"/exports/{export.pk}/file/").streaming_content)
    assert _numbers(content) == sorted(h.number for h in mine)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_opens_an_export(client, world, make_hazard, settings, role):
    settings.EXPORT_INLINE_ROWS = 1
    make_hazard(), make_hazard()
    owner = world.user(Role.CITY_ADMIN)
    client.force_login(owner)
    client.get("/hazards/export.xlsx")
    run_worker(["exports"])
    export = ExportFile.objects.get()
    user = world.users[role]
    client.logout()
    assert_status(client.get(f"/exports/{export.pk}/file/"), 302)  # to the sign-in page
    client.force_login(user)
    expected = 200 if user == owner else 404
    got = client.get(f"/exports/{export.pk}/file/")
    assert_status(got, expected)
    listed = client.get("/exports/").content.decode()
    assert (f'id="export-{export.pk}"' in listed) is (user == owner)

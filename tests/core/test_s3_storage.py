"""Uploads in an S3-compatible bucket (a real moto server process, settings `s3_storage`):
documents and photos uploaded through the real views land in the bucket and nowhere on the
disk, are served back through the scoped views (404 outside the scope), the worker's jobs
write exports and read import files there, a generated PDF is stored and served again, and
a backup walks the bucket. Without SAFELOOP_S3_BUCKET the media folder stays the default."""

import io
from datetime import timedelta

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from safeloop import settings as configured
from safeloop.bulletins import services as bulletins
from safeloop.core.models import ExportFile
from safeloop.core.storage import local_copy, put, walk
from safeloop.enterprises.models import Document, Enterprise, ImportBatch
from safeloop.hazards.models import HazardPhoto
from safeloop.orgs.roles import Role
from tests.conftest import database_url, make_user, run_worker, valid_uscc
from tests.s3 import moto_server, new_bucket

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A new bucket, and the uploads' storage pointed at it as the environment would; the
    media folder is somewhere that must stay absent."""
    made = new_bucket(s3_endpoint)
    for name, value in made.env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": configured.s3_storage(made.env)}
    settings.MEDIA_ROOT = tmp_path / "media-never-written"
    yield made
    assert not settings.MEDIA_ROOT.exists(), "a file went to the disk, not to the bucket"


def photo() -> SimpleUploadedFile:
    """A real photo larger than a thumbnail, so that the two differ."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 160, 60)).save(out, format="JPEG")
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def outsider(world):
    return make_user("s3_outsider", Role.COUNTY_ADMIN, region=world.other_county)


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_the_media_folder_stays_the_default_without_a_bucket():
    assert configured.s3_storage({}) is None
    assert configured.s3_storage({"SAFELOOP_S3_BUCKET": " "}) is None
    options = configured.s3_storage({"SAFELOOP_S3_BUCKET": "b", "SAFELOOP_S3_PREFIX": "/x/"})
    assert options["OPTIONS"]["location"] == "x" and not options["OPTIONS"]["file_overwrite"]


@pytest.mark.django_db
def test_a_document_and_a_photo_go_to_the_bucket_and_come_back_in_scope(world, client, bucket):
    assert default_storage.__class__.__name__ == "S3Storage"
    manager = world.user(Role.SAFETY_MANAGER)
    client.force_login(manager)
    client.post(
        f"/enterprises/{world.inside.pk}/documents/",
        {"kind": "emergency_plan", "title": "应急预案", "file": SimpleUploadedFile("p.pdf", PDF)},
    )
    doc = Document.objects.get()
    assert doc.file.name in bucket.stored() and bucket.get(doc.file.name) == PDF
    url = f"/enterprises/{world.inside.pk}/documents/{doc.pk}/"
    assert body(client.get(url)) == PDF

    created = client.post(
        "/api/v1/hazards/",
        {
            "enterprise": world.inside.pk,
            "source": "1",
            "category": "7",
            "place": "冲压车间",
            "description": "防护罩缺失",
            "deadline_working_days": 10,
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="s3-hazard-1",
    )
    assert created.status_code == 201, created.content
    hazard = created.json()["id"]
    added = client.post(f"/api/v1/hazards/{hazard}/photos/", {"file": photo(), "stage": "before"})
    assert added.status_code == 201, added.content
    stored = HazardPhoto.objects.get()
    # The thumbnail is made when the photo is taken in, and stored beside it.
    assert {stored.image.name, stored.thumbnail.name} <= bucket.stored()
    photo_url = f"/api/v1/hazards/{hazard}/photos/{stored.pk}/"
    assert body(client.get(photo_url)) == bucket.get(stored.image.name)
    thumb = body(client.get(photo_url + "?size=thumb"))
    assert thumb == bucket.get(stored.thumbnail.name) and thumb != bucket.get(stored.image.name)

    client.force_login(outsider(world))
    assert client.get(url).status_code == 404
    assert client.get(photo_url).status_code == 404
    assert client.get(photo_url + "?size=thumb").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_imports_from_and_writes_exports_to_the_bucket(
    world, client, bucket, settings
):
    from bench.faults.run import ledger_file

    settings.LEDGER_IMPORT_SYNC_BYTES = 1  # every file is a background job
    settings.LEDGER_IMPORT_PARALLEL_BYTES = 1  # read by the worker's child process
    settings.EXPORT_INLINE_ROWS = -1  # every export is built by the worker
    client.force_login(world.user(Role.COUNTY_ADMIN))
    codes = [valid_uscc("640104", 7000 + n) for n in range(30)]
    client.post(
        "/enterprises/import/", {"file": SimpleUploadedFile("台账.xlsx", ledger_file(codes))}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "checking" and batch.file.name in bucket.stored()
    run_worker(["imports"])
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.error_count) == ("checked", 30, 0)
    client.post(f"/enterprises/import/{batch.token}/confirm/")
    run_worker(["imports"])
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert Enterprise.objects.filter(uscc__in=codes).count() == 30

    assert client.get("/hazards/export.xlsx").status_code == 302
    run_worker(["exports"])
    export = ExportFile.objects.get()
    assert export.state == "done" and export.file.name in bucket.stored()
    content = body(client.get(f"/exports/{export.pk}/file/"))
    assert content == bucket.get(export.file.name)
    assert load_workbook(io.BytesIO(content), read_only=True).worksheets
    client.force_login(outsider(world))
    assert client.get(f"/exports/{export.pk}/file/").status_code == 404


@pytest.mark.django_db
def test_a_generated_pdf_is_stored_in_the_bucket_and_served_again(
    world, client, bucket, django_capture_on_commit_callbacks
):
    admin = world.user(Role.CITY_ADMIN)
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        made = bulletins.generate(region=world.county, month=month, actor=admin)
    first = made.pdf.name
    assert {first, made.xlsx.name} <= bucket.stored()
    client.force_login(admin)
    pdf = body(client.get(f"/bulletins/{made.pk}/bulletin.pdf"))
    assert pdf[:5] == b"%PDF-" and pdf == bucket.get(first)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/bulletins/{made.pk}/regenerate/").status_code == 302
    made.refresh_from_db()
    assert made.pdf.name != first and made.pdf.name in bucket.stored()
    assert first not in bucket.stored()  # the old file goes once the new one is committed
    assert body(client.get(f"/bulletins/{made.pk}/bulletin.pdf")) == bucket.get(made.pdf.name)
    client.force_login(outsider(world))
    assert client.get(f"/bulletins/{made.pk}/bulletin.pdf").status_code == 404


def test_local_copies_walks_and_restores_go_through_the_bucket(bucket):
    name = default_storage.save("backup/a.xlsx", ContentFile(b"PK\x03\x04 sheet"))
    with local_copy(default_storage, name, suffix=".xlsx") as path:
        assert path.read_bytes() == b"PK\x03\x04 sheet" and path.suffix == ".xlsx"
    assert not path.exists()  # the temporary copy is gone
    put(default_storage, name, ContentFile(b"restored"))  # replaces, keeps the name
    assert list(walk(default_storage)) == [name] and bucket.get(name) == b"restored"


@pytest.mark.django_db(transaction=True)
def test_a_backup_takes_the_bucket_and_a_restore_fills_another(
    world, bucket, s3_endpoint, settings, tmp_path
):
    name = default_storage.save("photos/2026/12/a.jpg", ContentFile(b"\xff\xd8 a photo"))
    call_command("backup", out=str(tmp_path / "backup"), stdout=io.StringIO())
    other = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": configured.s3_storage(other.env)}
    target = f"s3_restore_{other.name[-8:]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{target}"')
    try:
        out = io.StringIO()
        restore = ["--from", str(tmp_path / "backup"), "--database-url", database_url(target)]
        call_command("restore", *restore, stdout=out)
        assert "unpacked 1 media files into " + other.name in out.getvalue()
        assert other.stored() == {name} and other.get(name) == b"\xff\xd8 a photo"
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

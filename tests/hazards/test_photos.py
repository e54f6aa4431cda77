"""Photos: real image files, type sniffing, size limits, GPS stripped, scoped serving."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safeloop.hazards.choices import State
from safeloop.hazards.models import HazardPhoto
from safeloop.orgs.roles import Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps(name="photo.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:03:01 09:15:00"  # DateTimeOriginal
    exif.get_ifd(0x8825)[2] = (38.0, 28.0, 0.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def upload(api, hazard, file, stage="before"):
    return api.client.post(f"/api/v1/hazards/{hazard.pk}/photos/", {"file": file, "stage": stage})


def test_a_photo_is_stored_without_gps_and_keeps_its_capture_time(world, make_hazard, api):
    hazard = make_hazard(state=State.RECTIFYING)
    api.as_user(world.user(Role.SAFETY_MANAGER))
    response = upload(api, hazard, jpeg_with_gps())
    assert response.status_code == 201, response.content
    photo = HazardPhoto.objects.get()
    assert timezone.localtime(photo.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:15"
    stored = Image.open(photo.image.open("rb"))
    assert not stored.getexif().get_ifd(0x8825)  # no GPS block
    assert stored.size == (64, 48)
    body = api.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert body["photos"][0]["stage"] == "before"


@pytest.mark.parametrize("role", [*Role, None])
def test_photos_are_served_only_within_scope(world, make_hazard, api, role):
    hazard = make_hazard(state=State.RECTIFYING)
    api.as_user(world.user(Role.SAFETY_MANAGER))
    photo_id = upload(api, hazard, jpeg_with_gps()).json()["id"]
    api.as_user(world.users[role])
    response = api.get(f"/api/v1/hazards/{hazard.pk}/photos/{photo_id}/?size=thumb")
    assert response.status_code == (404 if role is None else 200)


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']); ?>"), "JPEG"),
        (SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\nnot really"), "JPEG"),
        (jpeg_with_gps(name="photo.png"), ".png"),
        (jpeg_with_gps(name="noextension"), "JPEG"),
        (SimpleUploadedFile("empty.jpg", b""), ""),
    ],
)
def test_hostile_uploads_are_refused_with_a_field_error(world, make_hazard, api, file, message):
    hazard = make_hazard(state=State.RECTIFYING)
    response = upload(api.as_user(world.user(Role.SAFETY_MANAGER)), hazard, file)
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert message in " ".join(response.json()["error"]["fields"]["file"])
    assert not HazardPhoto.objects.exists()


def test_an_oversized_photo_is_refused(world, make_hazard, api, settings):
    settings.PHOTO_MAX_BYTES = 1024
    hazard = make_hazard(state=State.RECTIFYING)
    big = jpeg_with_gps(size=(800, 800))
    response = upload(api.as_user(world.user(Role.SAFETY_MANAGER)), hazard, big)
    assert response.status_code == 400 and not HazardPhoto.objects.exists()


def test_photos_follow_the_stage_of_the_loop(world, make_hazard, api):
    closed = make_hazard(state=State.CLOSED)
    response = upload(api.as_user(world.user(Role.SAFETY_MANAGER)), closed, jpeg_with_gps())
    assert response.status_code == 400 and "stage" in response.json()["error"]["fields"]
    expert = upload(api.as_user(world.user(Role.EXPERT)), make_hazard(), jpeg_with_gps())
    assert expert.status_code == 403

"""core.photos: one abstract photo for the three apps that take photos, and one attach that
cleans the upload (real type, no metadata, thumbnail) and stores it where it always was."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safeloop.core.models import AuditEntry
from safeloop.core.photos import Photo, UploadedPhoto, attach_photo
from safeloop.hazards.models import Hazard, HazardPhoto
from safeloop.inspections.models import VisitPhoto
from safeloop.orgs.roles import Role
from safeloop.selfchecks.models import SelfCheckPhoto
from tests.hazards.test_photos import jpeg_with_gps

SHARED = {"image", "thumbnail", "sha256", "width", "height", "taken_at"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hazard(world):
    return Hazard.objects.create(
        enterprise=world.inside,
        level="general",
        source="1",
        category="1",
        place="冲压车间",
        description="防护罩缺失",
        found_by=world.user(Role.SAFETY_MANAGER),
    )


@pytest.mark.parametrize(
    "model, uploader", [(HazardPhoto, True), (VisitPhoto, True), (SelfCheckPhoto, False)]
)
def test_every_photo_model_shares_core_fields(model, uploader):
    assert issubclass(model, Photo)
    assert issubclass(model, UploadedPhoto) is uploader
    names = {f.name for f in model._meta.get_fields()}
    assert names >= SHARED
    assert ({"uploaded_by", "uploaded_at"} <= names) is uploader


def test_attach_stores_a_clean_copy_with_thumbnail_where_the_app_kept_them(world, hazard):
    manager = world.user(Role.SAFETY_MANAGER)
    photo = attach_photo(
        HazardPhoto, upload=jpeg_with_gps(), actor=manager, hazard=hazard, stage="before"
    )
    photo.refresh_from_db()
    assert photo.hazard == hazard and photo.stage == "before"
    assert photo.uploaded_by == manager and photo.uploaded_at is not None
    assert (photo.width, photo.height) == (64, 48) and len(photo.sha256) == 64
    assert timezone.localtime(photo.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:15"
    month = timezone.now().strftime("%Y/%m")
    assert re.fullmatch(rf"hazards/{month}/[^/]+\.jpg", photo.image.name)
    assert re.fullmatch(rf"hazards/{month}/thumbs/[^/]+\.jpg", photo.thumbnail.name)
    stored = Image.open(photo.image.open("rb"))
    assert not stored.getexif().get_ifd(0x8825)  # no GPS block
    entry = AuditEntry.objects.filter(action="hazards.hazardphoto.create").latest("id")
    assert entry.actor == manager


def test_a_refused_file_is_a_field_error_and_stores_nothing(world, hazard):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        attach_photo(
            HazardPhoto,
            upload=fake,
            actor=world.user(Role.SAFETY_MANAGER),
            field="photos",
            hazard=hazard,
            stage="before",
        )
    assert list(refused.value.message_dict) == ["photos"]
    assert not HazardPhoto.objects.exists()

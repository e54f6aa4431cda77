"""Photos attached to records (a hidden danger, an inspection result, a self-check record).

`Photo` holds what every stored photo has: the metadata-free image and its thumbnail (see
core.images), the SHA-256 of the stored image, its size and the EXIF capture time. A concrete
photo adds its owner (a foreign key), sets `upload_dir`, and may add who uploaded it and
when (`UploadedPhoto`). `attach_photo` cleans an upload and stores it; each app keeps its own
rule on who may add a photo to what, and when.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.images import clean_image
from safeloop.core.models import AuditedModel


def photo_path(instance: "Photo", filename: str) -> str:
    """<upload_dir>/<year>/<month>/<file>, as the string upload_to "app/%Y/%m/" did."""
    return f"{instance.upload_dir}/{timezone.now():%Y/%m}/{filename}"


def thumbnail_path(instance: "Photo", filename: str) -> str:
    return f"{instance.upload_dir}/{timezone.now():%Y/%m}/thumbs/{filename}"


class Photo(AuditedModel):
    """A photo stored without metadata (no GPS); the EXIF capture time is kept here. Served
    only through a scoped view of its app, never as a public media URL."""

    upload_dir = "photos"  # set by each concrete photo: the folder under the media root

    image = models.FileField(_("photo"), upload_to=photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)

    class Meta:
        abstract = True


class UploadedPhoto(Photo):
    """A photo that also records who uploaded it and when."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True


def attach_photo[P: Photo](
    model: type[P], *, upload: Any, actor: Any, field: str = "file", **owner: Any
) -> P:
    """Clean `upload` (real type sniffed, size limited, metadata dropped, thumbnail made) and
    store it as a new `model` with `owner` (e.g. hazard=…, stage=…), audited as `actor`.
    A refused file raises ValidationError on `field`. Call it inside the service's
    transaction, after the service's own checks."""
    clean = clean_image(upload, field=field)
    photo = model(
        sha256=clean.sha256,
        width=clean.width,
        height=clean.height,
        taken_at=clean.taken_at,
        **owner,
    )
    if isinstance(photo, UploadedPhoto):
        photo.uploaded_by = actor
    photo.image.save(clean.content.name or "photo", clean.content, save=False)
    photo.thumbnail.save(clean.thumbnail.name or "thumb", clean.thumbnail, save=False)
    photo.save(actor=actor)
    return photo

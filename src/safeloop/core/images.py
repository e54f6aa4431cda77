"""Uploaded photos: sniff the real type, keep the EXIF capture time, store a clean copy.

The stored image is re-encoded without any metadata, so GPS positions in a phone photo never
reach any viewer; the capture time is kept as a field.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
THUMBNAIL_SIZE = (320, 320)
Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded


@dataclass
class CleanImage:
    content: ContentFile
    thumbnail: ContentFile
    sha256: str
    taken_at: datetime | None
    width: int
    height: int


def _taken_at(image) -> datetime | None:
    raw = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
    try:
        taken = datetime.strptime(raw, "%Y:%m:%d %H:%M:%S") if raw else None
    except (TypeError, ValueError):
        return None
    # EXIF carries no zone; phones here record local time.
    return timezone.make_aware(taken) if taken else None


def clean_image(upload, *, field: str = "file") -> CleanImage:
    """Validate an uploaded photo and return a metadata-free copy plus a thumbnail."""
    limit = settings.PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: _("The photo is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError({field: _("This file is not a JPEG, PNG or WebP photo.")}) from None
    kind = image.format
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind not in FORMATS:
        raise ValidationError({field: _("This file is not a JPEG, PNG or WebP photo.")})
    if extension not in FORMATS[kind]:
        raise ValidationError(
            {
                field: _("The file name says .%(ext)s but the file is %(kind)s.")
                % {"ext": extension or "?", "kind": kind}
            }
        )
    taken_at = _taken_at(image)
    upright: Image.Image = ImageOps.exif_transpose(image)  # the orientation the phone meant
    if upright.mode not in ("RGB", "RGBA", "L"):
        upright = upright.convert("RGB")
    clean = _encode(upright, kind)
    thumb = upright.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    return CleanImage(
        content=ContentFile(clean, name=f"photo.{FORMATS[kind][0]}"),
        thumbnail=ContentFile(_encode(thumb, kind), name=f"thumb.{FORMATS[kind][0]}"),
        sha256=hashlib.sha256(clean).hexdigest(),
        taken_at=taken_at,
        width=upright.width,
        height=upright.height,
    )


def _encode(image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.save(out, format=kind, quality=85)  # no exif= argument: metadata is dropped
    return out.getvalue()

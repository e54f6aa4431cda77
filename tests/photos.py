"""Small real images for tests that attach photos (no mock: they go through core.images)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo(name: str = "after.png", colour=(20, 160, 60)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

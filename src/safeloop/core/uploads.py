"""Checking uploaded documents before they are stored: a PDF is a PDF (its signature, not
its name), not empty, and within the size limit. Raises `Invalid` on `field` (400)."""

from django.utils.translation import gettext as _

from safeloop.core.errors import Invalid

PDF_MAX_BYTES = 20 * 1024 * 1024


def clean_pdf(upload, *, field: str, max_bytes: int = PDF_MAX_BYTES):
    """The upload, rewound, when it is a PDF of at most `max_bytes`; else Invalid."""
    if upload is None:
        raise Invalid(_("Attach the document as a PDF file."), field=field)
    size = getattr(upload, "size", None) or 0
    if size > max_bytes:
        raise Invalid(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
            field=field,
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not size or b"%PDF-" not in head:
        raise Invalid(_("The file is not a PDF document."), field=field)
    return upload

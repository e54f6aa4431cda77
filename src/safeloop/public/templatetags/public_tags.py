"""`mask_personal`: free text shown on a public page, with ID and phone numbers blotted out
(`core.privacy.mask`)."""

from django import template

from safeloop.core.privacy import mask

register = template.Library()


@register.filter
def mask_personal(value) -> str:
    return mask(str(value or ""))

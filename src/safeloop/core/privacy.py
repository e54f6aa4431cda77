"""Personal data that must never reach a public page or feed: mainland ID numbers and phone
numbers. `mask` blots them out of free text written by the public (a report's description
shown on the Open311 feed); `PERSONAL` finds them (the public pages' scan uses it)."""

import re

# 18-digit resident ID (last may be X), 11-digit mobile, landline with area code.
ID_NUMBER = r"(?<!\d)\d{17}[\dXx](?!\d)"
MOBILE = r"(?<!\d)1[3-9]\d{9}(?!\d)"
LANDLINE = r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
PERSONAL = re.compile("|".join([ID_NUMBER, MOBILE, LANDLINE]))


def mask(text: str) -> str:
    """`text` with every ID and phone number replaced by asterisks."""
    return PERSONAL.sub("***", text or "")

"""Personal data that must never reach a public page or feed: mainland ID numbers, phone
numbers and e-mail addresses, and the name a reporter gave. `mask` blots them out of free
text written by the public (a report's description shown on the Open311 feed), also the
pieces of a known contact (`mask(text, known=contact_parts(contact))`); `PERSONAL` finds
the numbers and addresses (the public pages' scan uses it)."""

import re
from collections.abc import Iterable

# 18-digit resident ID (last may be X), 11-digit mobile, landline with area code, e-mail.
ID_NUMBER = r"(?<!\d)\d{17}[\dXx](?!\d)"
MOBILE = r"(?<!\d)1[3-9]\d{9}(?!\d)"
LANDLINE = r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
PERSONAL = re.compile("|".join([ID_NUMBER, MOBILE, LANDLINE, EMAIL]))
# A piece of a contact shorter than this (one Chinese character, an initial) is too common
# to blot out of a text without destroying it.
SHORTEST_KNOWN = 2


def contact_parts(contact: str) -> list[str]:
    """The pieces of a contact as people type them ("王 小明 wang@example.cn 13912345678"):
    each word and the name's words run together in either order (李 建国, 建国李, 李建国),
    longest first."""
    words = [w for w in (contact or "").split() if w]
    pieces = set(words)
    names = [w for w in words if not PERSONAL.fullmatch(w)]
    if len(names) > 1:  # also family name first, as a Chinese name is written
        for order in (names, names[::-1]):
            pieces.update(("".join(order), " ".join(order)))
    return sorted((p for p in pieces if len(p) >= SHORTEST_KNOWN), key=len, reverse=True)


def mask(text: str, *, known: Iterable[str] = ()) -> str:
    """`text` with every ID and phone number, e-mail address and `known` piece (a
    reporter's own name, say) replaced by asterisks."""
    text = text or ""
    for piece in known:
        if len(piece) >= SHORTEST_KNOWN:
            text = text.replace(piece, "***")
    return PERSONAL.sub("***", text)

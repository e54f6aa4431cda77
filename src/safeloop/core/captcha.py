"""A captcha served by the application itself, offline: no external service, no image
library. `new()` draws a short code as an inline SVG (rotated, shifted glyphs over noise
lines) and gives a signed token that holds only a salted hash of the answer; `verify(token,
answer)` accepts the answer once, within `MAX_AGE` seconds (a used token is remembered in
`core.ratelimit`'s counters, so replaying it fails).
"""

import hashlib
import secrets
from dataclasses import dataclass
from html import escape

from django.core import signing
from django.utils.translation import gettext

# Letters and digits that read unambiguously (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5
MAX_AGE = 600
SALT = "safeloop.core.captcha"


@dataclass(frozen=True)
class Challenge:
    token: str
    svg: str


def _digest(nonce: str, answer: str) -> str:
    return hashlib.sha256(f"{nonce}:{answer.strip().upper()}".encode()).hexdigest()


def _svg(text: str) -> str:
    rnd = secrets.SystemRandom()
    width, height = 30 * len(text) + 20, 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="captcha-image" '
        f'aria-label="{escape(gettext("Picture of the characters to type"))}">',
        f'<rect width="{width}" height="{height}" fill="#f4f4f0"/>',
    ]
    for _ in range(6):
        x1, x2 = rnd.randint(0, width), rnd.randint(0, width)
        y1, y2 = rnd.randint(0, height), rnd.randint(0, height)
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#999" stroke-width="1.5"/>'
        )
    for i, char in enumerate(text):
        x, y = 14 + 30 * i + rnd.randint(-3, 3), 34 + rnd.randint(-5, 5)
        angle = rnd.randint(-25, 25)
        parts.append(
            f'<text x="{x}" y="{y}" transform="rotate({angle} {x} {y})" '
            f'font-family="monospace" font-size="28" font-weight="bold" fill="#223">'
            f"{escape(char)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def new(answer: str = "") -> Challenge:
    """A fresh challenge: the token to put in a hidden field and the SVG to show. `answer`
    is drawn at random unless given (tests give one to answer the challenge)."""
    answer = answer or "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, answer)}, salt=SALT, compress=True)
    return Challenge(token=token, svg=_svg(answer))


def verify(token: str, answer: str) -> bool:
    """True once for the right answer to a token younger than MAX_AGE."""
    from safeloop.core import ratelimit

    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return False
    if not isinstance(data, dict) or not secrets.compare_digest(
        str(data.get("h", "")), _digest(str(data.get("n", "")), answer or "")
    ):
        return False
    # a day-long window: a token (at most MAX_AGE old) cannot outlive it but at midnight
    return ratelimit.hit(f"captcha:{data['n']}", limit=1, per=86400)

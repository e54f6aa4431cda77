"""A per-process memory of rule rows that nearly every write reads (the hazard policy, the
calendar overrides), so that a request does not query them each time.

Rules stay data: saving or deleting a row empties this process's memory at once (and again
when the transaction commits); other processes (gunicorn workers) reload within
`RULES_CACHE_SECONDS`. Set it to 0 to read the rows on every use.
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_memory: dict[str, tuple[float, object]] = {}


def remembered(key: str, load):
    """`load()`'s value, loaded at most once per `RULES_CACHE_SECONDS` in this process."""
    seconds = settings.RULES_CACHE_SECONDS
    now = time.monotonic()
    hit = _memory.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    if seconds > 0:
        _memory[key] = (now + seconds, value)
    return value


def forget(key: str | None = None) -> None:
    if key is None:
        _memory.clear()
    else:
        _memory.pop(key, None)


def forget_on_change(model, key: str) -> None:
    """Any save or delete of `model` forgets `key` (now, and once more after the commit, so
    that nothing read inside the writing transaction outlives it)."""

    def changed(sender, **kwargs):
        forget(key)
        transaction.on_commit(lambda: forget(key))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"rulecache-{key}-save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"rulecache-{key}-del")

"""Jobs that follow a change: queued once the change commits, one waiting job per key.

`defer_after_commit(task, key, **kwargs)` defers `task(**kwargs)` when the current
transaction commits (at once outside one), unless a job with the same queueing lock `key`
is already waiting: a burst of changes to one enterprise costs one job, and a change
committed while that job runs queues the next. Within one transaction a key is queued once,
however many rows change. A rolled-back change queues nothing."""

import threading

from django.db import transaction
from procrastinate import exceptions

_local = threading.local()  # keys already scheduled by this thread's open transaction


def defer_once(task, key: str, **kwargs) -> bool:
    """Defer `task(**kwargs)` now unless one with queueing lock `key` waits; True if queued."""
    try:
        task.configure(queueing_lock=key).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return False
    return True


def defer_after_commit(task, key: str, **kwargs) -> None:
    pending = _local.__dict__.setdefault("pending", set())
    if key in pending:
        return
    pending.add(key)

    def queue():
        pending.discard(key)
        defer_once(task, key, **kwargs)

    transaction.on_commit(queue)

"""Jobs that follow a change: queued once the change commits, one waiting job per key.

`defer_after_commit(task, key, **kwargs)` defers `task(**kwargs)` when the current
transaction commits (at once outside one), unless a job with the same queueing lock `key`
is already waiting: a burst of changes to one enterprise costs one job, and a change
committed while that job runs queues the next. Within one transaction a key is queued once,
however many rows change. A rolled-back change queues nothing, and leaves nothing behind:
the keys already queued are remembered with the transaction's own list of commit hooks,
which Django replaces when it commits or rolls back."""

from django.db import transaction
from procrastinate import exceptions


def defer_once(task, key: str, **kwargs) -> bool:
    """Defer `task(**kwargs)` now unless one with queueing lock `key` waits; True if queued."""
    try:
        task.configure(queueing_lock=key).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return False
    return True


def defer_after_commit(task, key: str, **kwargs) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        hooks, keys = connection.__dict__.get("_deferred_keys", (None, set()))
        if hooks is not connection.run_on_commit:  # another transaction, or one rolled back
            keys = set()
            connection.__dict__["_deferred_keys"] = (connection.run_on_commit, keys)
        if key in keys:
            return
        keys.add(key)
    transaction.on_commit(lambda: defer_once(task, key, **kwargs))

"""Dashboard and report reads from a streaming replica, when one is configured and fresh.

`DATABASE_REPLICA_URL` adds the database alias `replica` (database.py): a hot standby of
`default`. Nothing reads from it unless a block of code says so: `reporting_reads()`, as a
context manager or a view decorator, marks the reads of a dashboard or a report. On entering
such a block the database is chosen once for the whole block (so that its figures come from
one server and one snapshot):

- the replica, when it is configured, answers, is in recovery (still a standby) and its replay
  lag is at most `settings.REPLICA_MAX_LAG_SECONDS`;
- the primary otherwise, and always when the primary connection is inside a transaction
  (a write transaction reads its own writes; the replica is never used inside one).

Every other read, every write and every migration goes to the primary: a user sees their own
writes everywhere else. The lag is measured with two small queries, remembered in the process
for `settings.REPLICA_CHECK_SECONDS`: the standby's replay position against the primary's
current WAL position; caught up means no lag however long the primary has been idle, and
behind means the time since the last transaction the standby replayed (an upper bound of
how old what it shows is, so a long-idle primary's first write sends reads to the primary
until the standby has replayed it). A replica that cannot be reached is not asked again for
`settings.REPLICA_DOWN_SECONDS`; a decorated view whose replica fails in the middle is run
again on the primary, so the page still answers.
"""

import logging
import threading
import time
from contextlib import ContextDecorator, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

_pinned: ContextVar[str | None] = ContextVar("safeloop_reporting_alias", default=None)


@dataclass(frozen=True)
class Health:
    usable: bool
    lag: float | None  # seconds; None when unknown (unreachable, never replayed)
    reason: str  # "ok", "lagging", "unreachable", "not a standby"
    until: float  # time.monotonic() when it is measured again


_lock = threading.Lock()
_health: Health | None = None


def configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """The database this block's reads go to: the pinned one, or the primary."""
    return _pinned.get() or PRIMARY


def _close_replica() -> None:
    with suppress(DatabaseError):  # a broken connection is dropped all the same
        connections[REPLICA].close()


def measure() -> Health:
    """Ask the standby and the primary now (two one-row queries)."""
    now = time.monotonic()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8"
            )
            recovering, replayed, since_replayed = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unreachable: %s", error)
        _close_replica()
        return Health(False, None, "unreachable", now + settings.REPLICA_DOWN_SECONDS)
    again = now + settings.REPLICA_CHECK_SECONDS
    if not recovering or replayed is None:
        # Promoted (or never a standby of ours): it no longer follows the primary.
        return Health(False, None, "not a standby", now + settings.REPLICA_DOWN_SECONDS)
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed])
        (behind,) = cursor.fetchone()
    if behind <= 0:
        return Health(True, 0.0, "ok", again)
    lag = None if since_replayed is None else max(0.0, since_replayed)
    if lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS:
        return Health(True, lag, "ok", again)
    return Health(False, lag, "lagging", again)


def health() -> Health:
    """The replica's state, measured at most once per REPLICA_CHECK_SECONDS in a process."""
    global _health
    with _lock:
        if _health is None or time.monotonic() >= _health.until:
            _health = measure()
        return _health


def forget() -> None:
    """Measure again at the next reporting read (after a failure, and in the tests)."""
    global _health
    with _lock:
        _health = None


def mark_down() -> None:
    """The replica failed in the middle of a read: leave it alone for REPLICA_DOWN_SECONDS."""
    global _health
    _close_replica()
    with _lock:
        until = time.monotonic() + settings.REPLICA_DOWN_SECONDS
        _health = Health(False, None, "unreachable", until)


def choose() -> str:
    """Where a reporting block that starts now reads from."""
    if pinned := _pinned.get():
        return pinned  # an enclosing block already chose
    if not configured() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA if health().usable else PRIMARY


class reporting_reads(ContextDecorator):  # noqa: N801 — read as a statement, like `atomic`
    """Send the reads of the block (or the decorated function) to the replica when it is fresh.

    As a decorator it also survives a replica that fails during the call: the call is made
    again on the primary. Only for functions that read: a call that wrote is not repeated."""

    def __init__(self, *, alias: str | None = None):
        self.forced = alias
        self._tokens: list = []

    def _recreate_cm(self):
        return type(self)(alias=self.forced)

    def __enter__(self) -> str:
        alias = self.forced or choose()
        self._tokens.append(_pinned.set(alias))
        return alias

    def __exit__(self, *exc) -> None:
        _pinned.reset(self._tokens.pop())

    def __call__(self, func):
        @wraps(func)
        def inner(*args, **kwargs):
            with self._recreate_cm() as alias:
                try:
                    return func(*args, **kwargs)
                except (OperationalError, InterfaceError) as error:
                    if alias != REPLICA:
                        raise
                    logger.warning("replica failed during a read, reading the primary: %s", error)
                    mark_down()
            with type(self)(alias=PRIMARY):
                return func(*args, **kwargs)

        return inner


class ReportingReadsRouter:
    """Reads inside `reporting_reads()` go where the block chose; everything else, the primary.

    Reads outside a block name the primary explicitly, also for objects loaded from the
    replica (Django would otherwise follow `instance._state.db`), and so do writes."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True  # the same data, one of them a copy
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None

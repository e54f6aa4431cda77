"""Writing, sealing, verifying and pruning the audit log."""

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from safeloop.core.models import AuditEntry


def record(verb: str, obj=None, *, changes: dict | None = None, actor=None) -> AuditEntry:
    """One audit entry for `obj` (None: an event about no one record); `verb` is a move or
    an action code (`app.model.verb`). The actor defaults to the request's or job's."""
    return AuditEntry.write(verb, obj, changes=changes, actor=actor)


def prune(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period: the longer of `older_than_days` (or
    the setting) and the retention the database records (core.AuditRetention, at least 180
    days). The database function is the only way to delete; its trigger checks every row."""
    days = max(180, older_than_days or settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT core_audit_prune(%s)", [days])
        return cursor.fetchone()[0]


SEAL_BATCH = 10_000


def seal() -> int:
    """Chain the committed entries not chained yet (core_audit_seal in migration 0010), in
    batches of short transactions; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT core_audit_seal(%s)", [SEAL_BATCH])
            batch = cursor.fetchone()[0]
        sealed += batch
        if batch < SEAL_BATCH:
            return sealed


def canonical(fields: list[str | None]) -> str:
    """The text an entry's hash covers: its fields as text (position, id, UTC time to the
    microsecond, actor id, actor name, action, object type, object id, object, region code,
    changes as PostgreSQL prints the JSON, request id, IP) in a JSON array, as
    `core_audit_canonical` writes it."""
    return json.dumps(fields, ensure_ascii=False)


def entry_hash(prev_hash: str, fields: list[str | None]) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


# The fields in the canonical order, as text, the way core_audit_canonical reads them.
_CHAIN_QUERY = """
SELECT seq::text, id::text,
       to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       actor_id::text, actor_label, action, content_type_id::text, object_id, object_repr,
       region_code, changes::text, request_id, host(ip), prev_hash, hash
FROM core_auditentry e WHERE e.seq IS NOT NULL ORDER BY e.seq
"""


@dataclass
class Verification:
    first: int  # the first position checked (after the anchor)
    last: int  # the last position found
    checked: int
    anchor: tuple[int, str]  # (position, hash) pruning left, (0, "") if never pruned
    head: tuple[int, str]  # what the chain head says
    unsealed: int
    problems: list[tuple[int, str]] = field(default_factory=list)  # (position, what)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db=None) -> Verification:
    """Recompute the chain from the last pruning anchor: every position present once and in
    order (a gap is a deleted entry), every link equal to the previous entry's hash, every hash
    equal to the entry's recomputed one (an edit), and the last position the chain head's.
    `db`: a psycopg connection to check instead of the configured database (a restored copy)."""
    if db is None:
        with transaction.atomic(), connection.cursor() as c, connection.chunked_cursor() as rows:
            return _verify(c, rows)
    with db.transaction(), db.cursor() as c, db.cursor(name="audit_chain") as rows:
        return _verify(c, rows)


def _verify(cursor, chain) -> Verification:
    cursor.execute("SELECT seq, hash FROM core_auditanchor ORDER BY seq DESC LIMIT 1")
    anchor = cursor.fetchone() or (0, "")
    cursor.execute("SELECT seq, hash FROM core_auditchain WHERE id = 1")
    head = cursor.fetchone() or (0, "")
    cursor.execute("SELECT count(*) FROM core_auditentry WHERE seq IS NULL")
    unsealed = cursor.fetchone()[0]
    result = Verification(anchor[0] + 1, anchor[0], 0, tuple(anchor), tuple(head), unsealed)
    expected_seq, expected_prev = anchor[0] + 1, anchor[1]
    chain.execute(_CHAIN_QUERY)
    while rows := chain.fetchmany(2000):
        for row in rows:
            fields, prev_hash, stored = list(row[:13]), row[13], row[14]
            seq = int(fields[0])
            if seq < expected_seq:
                result.problems.append((seq, "position below the pruning anchor"))
                continue
            if seq > expected_seq:
                result.problems.append(
                    (expected_seq, f"missing positions {expected_seq}–{seq - 1}")
                )
            elif prev_hash != expected_prev:
                result.problems.append((seq, "link to the previous entry broken"))
            if entry_hash(prev_hash or "", fields) != stored:
                result.problems.append((seq, f"entry {fields[1]} changed after sealing"))
            result.checked += 1
            result.last = seq
            expected_seq, expected_prev = seq + 1, stored
    if head[0] > result.last:
        result.problems.append((result.last + 1, f"missing positions {result.last + 1}–{head[0]}"))
    elif head[0] < result.last:
        result.problems.append((head[0] + 1, f"the chain head stops at position {head[0]}"))
    elif result.checked and head[1] != expected_prev:
        result.problems.append((result.last, "the chain head's hash differs"))
    result.problems.sort(key=lambda p: p[0])
    return result

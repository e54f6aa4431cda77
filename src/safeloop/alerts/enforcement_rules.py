"""The early-warning rule over the enforcement app's documents, one SQL SELECT of candidates
like rules.py: a served 责令限期整改指令书 whose deadline passed more than `grace_days` days ago
with no 整改复查意见书 yet (once per document and deadline)."""

from datetime import date, timedelta

from safeloop.alerts.rules import Candidates
from safeloop.enforcement.choices import DocumentKind, DocumentState


def recheck_overdue(params: dict, today: date) -> Candidates:
    return Candidates(
        """
        SELECT 'enterprise', e.id, e.name, 'recheck:' || d.id || ':' || d.deadline,
               d.region_code, e.id, e.park_id, e.grid_id,
               '整改指令书' || d.number || '已于' || to_char(d.deadline, 'YYYY-MM-DD')
                 || '到期，尚未复查',
               jsonb_build_object('document', d.number, 'deadline', d.deadline),
               '/enforcement/documents/' || d.id || '/'
        FROM enforcement_document d
        JOIN enterprises_enterprise e ON e.id = d.enterprise_id
        WHERE d.kind = %(kind)s AND d.state = ANY(%(states)s) AND d.deadline < %(limit)s
          AND e.deleted_at IS NULL
        """,
        {
            "kind": DocumentKind.ORDER.value,
            "states": [DocumentState.SERVED.value, DocumentState.ACKNOWLEDGED.value],
            "limit": today - timedelta(days=params["grace_days"]),
        },
    )

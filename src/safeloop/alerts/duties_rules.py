"""The early-warning rule over the responsibility lists, one SQL SELECT of candidates like
rules.py: an operating enterprise without an all-staff responsibility list in force (once per
enterprise and year)."""

from datetime import date

from safeloop.alerts.rules import LIVE_ENTERPRISE, Candidates
from safeloop.duties.choices import ListKind


def duties_missing(today: date) -> Candidates:
    return Candidates(
        f"""
        SELECT 'enterprise', e.id, e.name, %(year)s, e.region_code, e.id, e.park_id, e.grid_id,
               '未制定全员安全生产责任清单', '{{}}'::jsonb,
               '/duties/enterprises/' || e.id || '/'
        FROM enterprises_enterprise e
        WHERE {LIVE_ENTERPRISE} AND e.status = 'operating'
          AND NOT EXISTS (
            SELECT 1 FROM duties_responsibilitylist l
            WHERE l.enterprise_id = e.id AND l.kind = %(kind)s AND l.retired_at IS NULL
          )
        """,  # noqa: S608 — only the constant LIVE_ENTERPRISE is formatted in
        {"year": str(today.year), "kind": ListKind.ALL_STAFF.value},
    )

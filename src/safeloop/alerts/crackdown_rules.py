"""The early-warning rule over the crackdown's follow-up: a banned or closed site whose next
re-visit is past due, once per case and due day. The periods are the follow-up rule in force
(crackdown.CrackdownRule, versioned with its source); the warning rule row holds the switch
and the audience."""

from datetime import date

from safeloop.alerts.emergency_rules import NOTHING
from safeloop.alerts.rules import Candidates
from safeloop.crackdown.selectors import overdue_revisits


def crackdown_revisit(today: date) -> Candidates:
    found = overdue_revisits(today)
    if not found:
        return NOTHING
    return Candidates(
        """
        SELECT 'case', c.id, left(c.number || ' ' || c.subject_name, 200), 'due:' || g.due_on,
               c.region_code, c.enterprise_id, c.park_id, c.grid_id,
               '打非案件 ' || c.number || '（' || c.subject_name || '）应于 ' || g.due_on
                 || ' 前回访，已逾期 ' || (%(today)s::date - g.due_on) || ' 天',
               jsonb_build_object('due_on', g.due_on, 'confirmed', g.confirmed,
                                  'required', g.required),
               '/crackdown/cases/' || c.id || '/'
        FROM unnest(%(ids)s::bigint[], %(due)s::date[], %(confirmed)s::int[],
                    %(required)s::int[]) AS g(case_id, due_on, confirmed, required)
        JOIN crackdown_case c ON c.id = g.case_id
        """,
        {
            "today": today,
            "ids": [d.case.pk for d in found],
            "due": [d.due_on for d in found],
            "confirmed": [d.confirmed for d in found],
            "required": [d.required for d in found],
        },
    )

"""The early-warning rule over the park assessments, one SQL SELECT of candidates like
rules.py: a park whose assessment of a year is not approved by its due day (once per park and
year), and each measure of an assessment past its deadline and not closed (once per measure).

The due day is the park assessment rule in force (parkrisk.AssessmentRule, versioned with its
source), so the list page and the warnings never disagree; the warning rule row holds the
switch and the audience."""

from datetime import date

from safeloop.alerts.emergency_rules import NOTHING
from safeloop.alerts.rules import Candidates
from safeloop.parkrisk.selectors import missing, overdue_measures


def park_assessment(today: date) -> Candidates:
    late = [gap for gap in missing(today) if gap.due < today]
    measures = list(overdue_measures(today).values_list("pk", flat=True))
    if not late and not measures:
        return NOTHING
    return Candidates(
        """
        SELECT 'park', p.id, p.name, 'assessment:' || g.year, p.region_code, NULL::bigint,
               p.id, NULL::bigint,
               g.year || '年度园区整体安全风险评估' ||
                 CASE WHEN g.started THEN '未获批准' ELSE '尚未开展' END ||
                 '（应于 ' || g.due || ' 前批准）',
               jsonb_build_object('year', g.year, 'due', g.due),
               '/parkrisk/?park=' || p.id
        FROM unnest(%(parks)s::bigint[], %(years)s::int[], %(dues)s::text[], %(started)s::bool[])
             AS g(park_id, year, due, started)
        JOIN orgs_park p ON p.id = g.park_id
        UNION ALL
        SELECT 'park', p.id, p.name, 'measure:' || m.id, p.region_code, NULL::bigint, p.id,
               NULL::bigint,
               a.year || '年度风险评估措施逾期未完成：' || left(m.text, 80) ||
                 '（责任人 ' || m.owner || '，期限 ' || m.deadline || '）',
               jsonb_build_object('measure', m.id, 'deadline', m.deadline::text),
               '/parkrisk/' || a.id || '/'
        FROM parkrisk_measure m
        JOIN parkrisk_parkassessment a ON a.id = m.assessment_id
        JOIN orgs_park p ON p.id = a.park_id
        WHERE m.id = ANY(%(measures)s::bigint[])
        """,
        {
            "parks": [gap.park.pk for gap in late],
            "years": [gap.year for gap in late],
            "dues": [gap.due.isoformat() for gap in late],
            "started": [gap.assessment is not None for gap in late],
            "measures": measures,
        },
    )

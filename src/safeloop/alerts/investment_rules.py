"""The early-warning rules over the safety-investment app, one SQL SELECT of candidates like
rules.py: safety expense short of the accrual due or used outside the permitted categories
(once per enterprise, year and reason), and insurance or deposit gaps (coverage and the
deposit-or-insurance duty once a year; a policy ending once per end date).

Rates, coverage, sectors and warning days are the investment app's versioned data
(investment.RateTable, investment.InsuranceRule); the warning rule row holds the switch, the
audience and `include_never`."""

from datetime import date

from django.utils import translation

from safeloop.alerts.emergency_rules import NOTHING
from safeloop.alerts.rules import Candidates
from safeloop.investment.choices import InsuranceGap
from safeloop.investment.selectors import gap_text, insurance_gaps, safety_investment_gaps

SQL = """
        SELECT 'enterprise', e.id, e.name, g.period, e.region_code, e.id, e.park_id, e.grid_id,
               g.reason, jsonb_build_object('gap', split_part(g.period, ':', 2)),
               '/investment/enterprises/' || e.id || '/'
        FROM unnest(%(ids)s::bigint[], %(periods)s::text[], %(reasons)s::text[])
             AS g(enterprise_id, period, reason)
        JOIN enterprises_enterprise e ON e.id = g.enterprise_id
        WHERE e.deleted_at IS NULL
        """


def _candidates(rows: list[tuple[int, str, str]]) -> Candidates:
    if not rows:
        return NOTHING
    return Candidates(
        SQL,
        {
            "ids": [r[0] for r in rows],
            "periods": [r[1] for r in rows],
            "reasons": [r[2] for r in rows],
        },
    )


def expense_gap(params: dict, today: date) -> Candidates:
    rows = []
    with translation.override("zh-hans"):
        for year in (today.year - 1, today.year):
            for gap in safety_investment_gaps(
                year, today=today, include_never=params["include_never"]
            ):
                rows.append((gap.enterprise_id, gap.period, gap_text(gap)))
    return _candidates(rows)


def insurance_gap(params: dict, today: date) -> Candidates:
    rows = []
    with translation.override("zh-hans"):
        for status in insurance_gaps(today):
            for gap in status.gaps:
                label = str(InsuranceGap(gap).label)
                if gap == InsuranceGap.COVERAGE:
                    period = f"{today.year}:{gap}"
                    label = f"{label}（{status.coverage}%）"
                elif gap == InsuranceGap.GUARANTEE:
                    period = f"{today.year}:{gap}"
                else:
                    period = f"{status.liability_expiry}:{gap}"
                rows.append((status.enterprise_id, period, label))
    return _candidates(rows)

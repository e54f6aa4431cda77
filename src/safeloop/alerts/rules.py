"""What each early-warning rule selects, as one SQL statement per rule.

Every rule yields candidate rows (subject, period, region, reason …); `evaluate` inserts them
as warnings with ON CONFLICT DO NOTHING on (rule, subject, period), writes an audit entry and
the inbox messages for the warnings that are new — all in one statement, so a run costs the
same whatever the number of enterprises and a repeated run changes nothing.

Only constant SQL fragments are formatted in; values travel as parameters. Reasons are written
in Chinese (the language of the record), with the labels of the ledger's choices.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeloop.alerts.choices import RuleCode
from safeloop.enterprises.choices import CertificateType, LicenceKind, Status
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, Level, State
from safeloop.selfchecks.selectors import last_record_date_by_enterprise

# ---------------------------------------------------------------- parameters
# name → kind; "days" is a list of positive whole numbers, "int" one non-negative number.
PARAMS = {
    RuleCode.LICENCE_EXPIRY: {"days": "days"},
    RuleCode.CERTIFICATE_EXPIRY: {"days": "days"},
    RuleCode.HAZARDS_RISING: {"min_increase": "int", "min_percent": "int"},
    RuleCode.OVERDUE_CLUSTER: {"park_min": "int", "grid_min": "int"},
    RuleCode.NO_SELF_CHECK: {"days": "int", "include_never": "bool"},
    RuleCode.MAJOR_DEADLINE: {"working_days": "int"},
    # the day counts of these two are the emergency rule's (emergency.EmergencyRule)
    RuleCode.STOCK_EXPIRY: {},
    RuleCode.RESOURCE_UNCONFIRMED: {},
    RuleCode.PREPAREDNESS: {"within_days": "int", "include_never": "bool"},
    # the hours and warning days are the training rules' (training.TrainingRule)
    RuleCode.TRAINING_GAP: {"include_never": "bool"},
    # the rates are the investment app's tables (investment.RateTable)
    RuleCode.EXPENSE_GAP: {"include_never": "bool"},
    # coverage, sectors and warning days are the insurance rule's (investment.InsuranceRule)
    RuleCode.INSURANCE_GAP: {},
    # the due day is the park assessment rule's (parkrisk.AssessmentRule)
    RuleCode.PARK_ASSESSMENT: {},
    RuleCode.DUTIES_MISSING: {},
    # the periods are the crackdown follow-up rule's (crackdown.CrackdownRule)
    RuleCode.CRACKDOWN_REVISIT: {},
    # served 责令限期整改指令书 past their deadline by more than grace_days, no re-check yet
    RuleCode.RECHECK_OVERDUE: {"grace_days": "int"},
    # the warning share is the targets rule's (targets.TargetRule)
    RuleCode.INDICATOR_CONSUMPTION: {},
}


def param_errors(code: str, params) -> list[str]:
    """What is wrong with a rule's parameters, as messages for the admin form."""
    expected = PARAMS.get(code)
    if expected is None:
        return [_("Unknown rule.")]
    if not isinstance(params, dict):
        return [_("Give the thresholds as an object, e.g. %s.") % DEFAULT_PARAMS_TEXT[code]]
    errors = []
    missing = set(expected) - set(params)
    unknown = set(params) - set(expected)
    if missing:
        errors.append(_("Missing: %s.") % ", ".join(sorted(missing)))
    if unknown:
        errors.append(_("Unknown: %s.") % ", ".join(sorted(unknown)))
    for name, kind in expected.items():
        value = params.get(name)
        if value is None:
            continue
        if kind == "days":
            good = (
                isinstance(value, list)
                and value
                and all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 3650 for v in value
                )
            )
            if not good:
                errors.append(_("%s must be a list of whole numbers of days (1–3650).") % name)
        elif kind == "int":
            if not (
                isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100000
            ):
                errors.append(_("%s must be a whole number (0–100000).") % name)
        elif kind == "bool" and not isinstance(value, bool):
            errors.append(_("%s must be true or false.") % name)
    return errors


DEFAULT_PARAMS_TEXT = {
    RuleCode.LICENCE_EXPIRY: '{"days": [90, 60, 30]}',
    RuleCode.CERTIFICATE_EXPIRY: '{"days": [90, 60, 30]}',
    RuleCode.HAZARDS_RISING: '{"min_increase": 3, "min_percent": 50}',
    RuleCode.OVERDUE_CLUSTER: '{"park_min": 5, "grid_min": 3}',
    RuleCode.NO_SELF_CHECK: '{"days": 30, "include_never": true}',
    RuleCode.MAJOR_DEADLINE: '{"working_days": 10}',
    RuleCode.STOCK_EXPIRY: "{}",
    RuleCode.RESOURCE_UNCONFIRMED: "{}",
    RuleCode.PREPAREDNESS: '{"within_days": 30, "include_never": false}',
    RuleCode.TRAINING_GAP: '{"include_never": false}',
    RuleCode.EXPENSE_GAP: '{"include_never": false}',
    RuleCode.INSURANCE_GAP: "{}",
    RuleCode.PARK_ASSESSMENT: "{}",
    RuleCode.DUTIES_MISSING: "{}",
    RuleCode.CRACKDOWN_REVISIT: "{}",
    RuleCode.RECHECK_OVERDUE: '{"grace_days": 0}',
    RuleCode.INDICATOR_CONSUMPTION: "{}",
}


# ---------------------------------------------------------------- candidates
@dataclass
class Candidates:
    """One rule's SELECT of candidate warnings and its parameters. Columns, in order:
    subject_kind, subject_id, subject_label, period, region_code, enterprise_id, park_id,
    grid_id, reason, details (jsonb), link."""

    sql: str
    params: dict


LIVE_ENTERPRISE = (
    f"e.deleted_at IS NULL AND e.status IN ('{Status.OPERATING.value}', '{Status.SUSPENDED.value}')"
)
OPEN = "h.state IN ('" + "', '".join(s.value for s in OPEN_STATES) + "')"


def _labels(choices) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices}


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def licence_expiry(params: dict, today: date) -> Candidates:
    """A valid licence ending within the largest day count; its stage is the smallest count it
    is within, so it is warned once at 90, once at 60 and once at 30 days. A licence already
    renewed (a later valid one of the same kind) is left alone."""
    return Candidates(
        f"""
        SELECT 'licence', l.id, e.name || ' · ' || (%(kinds)s::jsonb ->> l.kind) || ' ' || l.number,
               l.valid_to || ':' || s.stage, e.region_code, e.id, e.park_id, e.grid_id,
               (%(kinds)s::jsonb ->> l.kind) || '（' || l.number || '）将于 ' || l.valid_to
                 || ' 到期，剩余 ' || (l.valid_to - %(today)s::date) || ' 天',
               jsonb_build_object('valid_to', l.valid_to, 'stage', s.stage,
                                  'days_left', l.valid_to - %(today)s::date),
               '/enterprises/' || e.id || '/'
        FROM enterprises_licence l
        JOIN enterprises_enterprise e ON e.id = l.enterprise_id
        CROSS JOIN LATERAL (
          SELECT min(d) AS stage FROM unnest(%(days)s::int[]) d
          WHERE l.valid_to - %(today)s::date <= d
        ) s
        WHERE l.status = 'valid' AND {LIVE_ENTERPRISE}
          AND l.valid_to >= %(today)s::date AND l.valid_to <= %(today)s::date + %(longest)s
          AND NOT EXISTS (
            SELECT 1 FROM enterprises_licence later
            WHERE later.enterprise_id = l.enterprise_id AND later.kind = l.kind
              AND later.status = 'valid' AND later.valid_to > l.valid_to)
        """,
        {
            "kinds": _json(_labels(LicenceKind.choices)),
            "days": params["days"],
            "longest": max(params["days"]),
            "today": today,
        },
    )


def certificate_expiry(params: dict, today: date) -> Candidates:
    """A special-operation worker's certificate ending within the largest day count, by stage
    like licences. The worker's ID number never appears in the warning."""
    return Candidates(
        f"""
        SELECT 'certificate', o.id,
               e.name || ' · ' || o.name || ' · ' || (%(kinds)s::jsonb ->> o.certificate_type),
               o.valid_to || ':' || s.stage, e.region_code, e.id, e.park_id, e.grid_id,
               o.name || ' 的' || (%(kinds)s::jsonb ->> o.certificate_type) || '操作证将于 '
                 || o.valid_to || ' 到期，剩余 ' || (o.valid_to - %(today)s::date) || ' 天',
               jsonb_build_object('valid_to', o.valid_to, 'stage', s.stage,
                                  'days_left', o.valid_to - %(today)s::date),
               '/enterprises/' || e.id || '/'
        FROM enterprises_specialoperator o
        JOIN enterprises_enterprise e ON e.id = o.enterprise_id
        CROSS JOIN LATERAL (
          SELECT min(d) AS stage FROM unnest(%(days)s::int[]) d
          WHERE o.valid_to - %(today)s::date <= d
        ) s
        WHERE {LIVE_ENTERPRISE}
          AND o.valid_to >= %(today)s::date AND o.valid_to <= %(today)s::date + %(longest)s
        """,
        {
            "kinds": _json(_labels(CertificateType.choices)),
            "days": params["days"],
            "longest": max(params["days"]),
            "today": today,
        },
    )


def open_at_sql(moment: str) -> str:
    """Counts a hidden danger as open at `moment` (a SQL parameter name): found before it and
    not closed by then. A closed one without its acceptance time (imported history) counts as
    closed from the start. Voided ones are not hidden dangers and never count."""
    return (
        f"h.found_at < %({moment})s AND NOT (h.state = '{State.CLOSED.value}' "
        f"AND (h.accepted_at IS NULL OR h.accepted_at < %({moment})s))"
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def hazards_rising(params: dict, today: date) -> Candidates:
    """Open hidden dangers at the end of last month against the end of the month before:
    warned when up by at least `min_increase` and by at least `min_percent` per cent."""
    end = month_start(today)  # end of last month (exclusive)
    start = previous_month(end)  # end of the month before
    month = previous_month(end).strftime("%Y-%m")
    return Candidates(
        f"""
        SELECT 'enterprise', e.id, e.name, %(month)s, e.region_code, e.id, e.park_id, e.grid_id,
               '未整改隐患由上月末 ' || c.before || ' 项增至本月末 ' || c.after || ' 项（'
                 || %(month)s || '）',
               jsonb_build_object('before', c.before, 'after', c.after, 'month', %(month)s),
               '/hazards/?enterprise=' || e.id
        FROM (
          SELECT h.enterprise_id,
                 count(*) FILTER (WHERE {open_at_sql("start")}) AS before,
                 count(*) FILTER (WHERE {open_at_sql("end")}) AS after
          FROM hazards_hazard h
          WHERE h.state <> '{State.VOIDED.value}' AND h.found_at < %(end)s
            AND NOT (h.state = '{State.CLOSED.value}'
                     AND (h.accepted_at IS NULL OR h.accepted_at < %(start)s))
          GROUP BY h.enterprise_id
        ) c
        JOIN enterprises_enterprise e ON e.id = c.enterprise_id
        WHERE e.deleted_at IS NULL
          AND c.after - c.before >= greatest(%(min_increase)s, 1)
          AND c.after * 100 >= c.before * (100 + %(min_percent)s)
        """,
        {
            "start": _midnight(start),
            "end": _midnight(end),
            "month": month,
            "min_increase": params["min_increase"],
            "min_percent": params["min_percent"],
        },
    )


def overdue_cluster(params: dict, today: date) -> Candidates:
    """A park with at least `park_min`, a grid cell with at least `grid_min` open overdue
    hidden dangers; warned once a month per park or grid cell."""
    return Candidates(
        f"""
        WITH late AS (
          SELECT e.park_id, e.grid_id FROM hazards_hazard h
          JOIN enterprises_enterprise e ON e.id = h.enterprise_id
          WHERE {OPEN} AND h.deadline < %(today)s::date AND e.deleted_at IS NULL
        )
        SELECT 'park', p.id, p.name, %(month)s, p.region_code, NULL::bigint, p.id, NULL::bigint,
               '园区内逾期未整改隐患 ' || n || ' 项（阈值 ' || %(park_min)s || ' 项）',
               jsonb_build_object('overdue', n, 'threshold', %(park_min)s),
               '/hazards/?overdue=true&park=' || p.id
        FROM (SELECT park_id, count(*) AS n FROM late WHERE park_id IS NOT NULL GROUP BY park_id) c
        JOIN orgs_park p ON p.id = c.park_id
        WHERE n >= greatest(%(park_min)s, 1)
        UNION ALL
        SELECT 'grid', g.id, g.name, %(month)s, g.region_code, NULL::bigint, g.park_id, g.id,
               '网格内逾期未整改隐患 ' || n || ' 项（阈值 ' || %(grid_min)s || ' 项）',
               jsonb_build_object('overdue', n, 'threshold', %(grid_min)s),
               '/hazards/?overdue=true'
        FROM (SELECT grid_id, count(*) AS n FROM late WHERE grid_id IS NOT NULL GROUP BY grid_id) c
        JOIN orgs_gridcell g ON g.id = c.grid_id
        WHERE n >= greatest(%(grid_min)s, 1)
        """,
        {
            "today": today,
            "month": today.strftime("%Y-%m"),
            "park_min": params["park_min"],
            "grid_min": params["grid_min"],
        },
    )


SELF_CHECK_SOURCE = "safeloop.selfchecks.selectors.last_record_date_by_enterprise"


def last_self_check_dates() -> dict[int, date]:
    """{enterprise id: date of its last self-check record}, from the self-checks app."""
    return last_record_date_by_enterprise(Enterprise.objects.all())


def no_self_check(params: dict, today: date, last: dict[int, date]) -> Candidates:
    """A live enterprise whose last self-check record is more than `days` days old (or that
    has none, with `include_never`). The period is the last record's date, so an enterprise
    that checks again and then lapses again is warned again."""
    ids, days = list(last), [last[pk] for pk in last]
    return Candidates(
        f"""
        SELECT 'enterprise', e.id, e.name, coalesce(r.day::text, 'never'), e.region_code, e.id,
               e.park_id, e.grid_id,
               CASE WHEN r.day IS NULL THEN '无隐患自查记录'
                    ELSE '已 ' || (%(today)s::date - r.day) || ' 天无隐患自查记录（最近一次 '
                         || r.day || '）' END,
               jsonb_build_object('last', r.day, 'days', %(days)s),
               '/enterprises/' || e.id || '/'
        FROM enterprises_enterprise e
        LEFT JOIN unnest(%(ids)s::bigint[], %(dates)s::date[]) AS r(enterprise_id, day)
          ON r.enterprise_id = e.id
        WHERE {LIVE_ENTERPRISE} AND e.status = '{Status.OPERATING.value}'
          AND (r.day < %(today)s::date - %(days)s OR (r.day IS NULL AND %(include_never)s))
        """,
        {
            "ids": ids,
            "dates": days,
            "today": today,
            "days": params["days"],
            "include_never": params["include_never"],
        },
    )


def major_deadline(params: dict, today: date, horizon: date) -> Candidates:
    """A major hidden danger still rectifying (no evidence submitted) whose deadline falls
    within the next `working_days` working days; once per deadline, so an extension that
    moves the deadline warns again when the new one nears."""
    return Candidates(
        f"""
        SELECT 'hazard', h.id, e.name || ' · ' || h.place, h.deadline::text, h.region_code, e.id,
               e.park_id, e.grid_id,
               '重大事故隐患整改期限 ' || h.deadline || ' 不足 ' || %(n)s
                 || ' 个工作日，尚未提交整改材料：' || h.place,
               jsonb_build_object('deadline', h.deadline, 'working_days', %(n)s),
               '/hazards/' || h.id || '/'
        FROM hazards_hazard h
        JOIN enterprises_enterprise e ON e.id = h.enterprise_id
        WHERE h.level = '{Level.MAJOR.value}' AND h.state = '{State.RECTIFYING.value}'
          AND h.deadline >= %(today)s::date AND h.deadline <= %(horizon)s::date
        """,
        {"today": today, "horizon": horizon, "n": params["working_days"]},
    )


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)

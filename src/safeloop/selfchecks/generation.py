"""The self-check jobs, set-based: PostgreSQL writes a day's tasks for every measure in a few
statements, whatever the number of risk points.

- `generate`: for each frequency whose rule gives the day's period a task, insert one task
  per live control measure of an operating enterprise, chunk by chunk of measure ids; the
  unique (measure, period, period start) constraint with `ON CONFLICT DO NOTHING` makes a
  second run of the same day create nothing. Each task gets its audit entry in the same
  statement.
- `mark_missed`: tasks still to do after their due day become missed, audited likewise.

Progress (`JobRun.total/done/created`) is saved after each committed chunk, so the screen and
the API show it while the job runs.
"""

import uuid
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from safeloop.core.workflow import SYSTEM
from safeloop.enterprises.choices import Status
from safeloop.orgs.roles import ENTERPRISE_STAFF, Role
from safeloop.risks.models import ControlMeasure
from safeloop.selfchecks.choices import RunKind, RunStatus
from safeloop.selfchecks.models import JobRun, ScheduleRule, SelfCheckTask
from safeloop.selfchecks.schedule import due_for
from safeloop.selfchecks.workflow import SELFCHECK_TASK

CHUNK = 25_000  # measure ids per statement: small enough to show progress, big enough to be fast


def _system_move(move: str) -> tuple[list[str], str]:
    """(source states, landing state) of a job's move, as the table says: the jobs write
    100,000s of rows in one statement, so they take the rule from the table rather than
    calling `apply()` per row. A table that stops letting the system make the move stops
    the job (NotPermitted)."""
    sources = [s for s, m, _target, _who in SELFCHECK_TASK.rows() if m == move]
    for source in sources:
        SELFCHECK_TASK.check(source, move, {SYSTEM})
    return sources, SELFCHECK_TASK.landing(sources[0], move)


def rules_in_effect(day: date) -> dict[str, ScheduleRule]:
    """The newest rule of each frequency effective on `day`."""
    rules = {}
    for rule in ScheduleRule.objects.filter(effective_from__lte=day).order_by(
        "frequency", "-effective_from"
    ):
        rules.setdefault(rule.frequency, rule)
    return rules


def plans_for(day: date) -> tuple[list[tuple[ScheduleRule, object]], bool]:
    """(rule, due) of each frequency that has a task to create on `day`: the rule gives the
    period a due day and it is not already past (a task is never born late)."""
    plans, fell_back = [], False
    for rule in rules_in_effect(day).values():
        due = due_for(rule, day)
        fell_back |= due.fell_back
        if due.due_date is not None and due.due_date >= day:
            plans.append((rule, due))
    return plans, fell_back


def _eligible_measures():
    return ControlMeasure.objects.filter(
        is_deleted=False,
        risk_point__is_deleted=False,
        enterprise__deleted_at__isnull=True,
        enterprise__status=Status.OPERATING,
    )


GENERATE_SQL = """
WITH plan (frequency, period, period_start, period_end, due_date, rule_id) AS (
  VALUES {plan_rows}
),
cand AS MATERIALIZED (
  SELECT m.id, m.enterprise_id, m.risk_point_id, m.responsible_user_id, m.responsible,
         e.region_code, plan.*
  FROM risks_controlmeasure m
  JOIN plan ON plan.frequency = m.inspection_frequency
  JOIN risks_riskpoint p ON p.id = m.risk_point_id AND NOT p.is_deleted
  JOIN enterprises_enterprise e ON e.id = m.enterprise_id
       AND e.deleted_at IS NULL AND e.status = %(operating)s
  WHERE NOT m.is_deleted AND m.id >= %(lo)s AND m.id < %(hi)s
),
staff AS (
  -- The enterprise's safety staff: its first active safety manager, else its principal.
  SELECT DISTINCT ON (ra.enterprise_id) ra.enterprise_id, ra.user_id
  FROM orgs_roleassignment ra JOIN orgs_user u ON u.id = ra.user_id AND u.is_active
  WHERE ra.active AND ra.role = ANY(%(staff_roles)s)
    AND ra.enterprise_id IN (SELECT enterprise_id FROM cand)
  ORDER BY ra.enterprise_id, (ra.role = %(safety_manager)s) DESC, ra.id
),
new AS (
  INSERT INTO selfchecks_selfchecktask
    (enterprise_id, region_code, measure_id, risk_point_id, frequency, period, period_start,
     period_end, due_date, rule_id, assignee_id, responsible_name, state, version, created_at)
  SELECT c.enterprise_id, c.region_code, c.id, c.risk_point_id, c.frequency, c.period,
         c.period_start, c.period_end, c.due_date, c.rule_id,
         CASE WHEN c.responsible_user_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM orgs_roleassignment ra JOIN orgs_user u ON u.id = ra.user_id
                WHERE ra.user_id = c.responsible_user_id AND ra.enterprise_id = c.enterprise_id
                  AND ra.active AND u.is_active AND ra.role = ANY(%(staff_roles)s))
              THEN c.responsible_user_id ELSE s.user_id END,
         left(c.responsible, 50), %(pending)s, 1, now()
  FROM cand c LEFT JOIN staff s ON s.enterprise_id = c.enterprise_id
  ON CONFLICT DO NOTHING
  RETURNING id, region_code, measure_id, period_start, due_date, assignee_id
),
audited AS (
  INSERT INTO core_auditentry (at, actor_id, actor_label, action, content_type_id, object_id,
    object_repr, region_code, changes, request_id, ip)
  SELECT now(), NULL, 'system', 'selfchecks.selfchecktask.create', %(ctype)s, new.id::text,
         new.measure_id || '/' || new.period_start, new.region_code,
         jsonb_build_object('measure_id', jsonb_build_array(NULL, new.measure_id),
                            'due_date', jsonb_build_array(NULL, new.due_date),
                            'assignee_id', jsonb_build_array(NULL, new.assignee_id)),
         %(request_id)s, NULL
  FROM new
  RETURNING 1
)
SELECT (SELECT count(*) FROM cand), (SELECT count(*) FROM audited)
"""


def _plan_rows(plans) -> tuple[str, dict]:
    rows, params = [], {}
    for n, (rule, due) in enumerate(plans):
        rows.append(
            f"(%(f{n})s::varchar, %(p{n})s::varchar, %(s{n})s::date, %(e{n})s::date, "
            f"%(d{n})s::date, %(r{n})s::bigint)"
        )
        params.update(
            {
                f"f{n}": rule.frequency,
                f"p{n}": rule.period,
                f"s{n}": due.period_start,
                f"e{n}": due.period_end,
                f"d{n}": due.due_date,
                f"r{n}": rule.pk,
            }
        )
    return ", ".join(rows), params


def _progress(run: JobRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))


def generate(run: JobRun) -> JobRun:
    """Create the tasks of `run.day` (a GENERATE run)."""
    plans, fell_back = plans_for(run.day)
    measures = _eligible_measures().filter(
        inspection_frequency__in=[rule.frequency for rule, _ in plans]
    )
    bounds = measures.aggregate(lo=Min("id"), hi=Max("id"))
    _progress(run, total=measures.count() if plans else 0, calendar_fell_back=fell_back)
    if not plans or bounds["lo"] is None:
        return run
    plan_rows, params = _plan_rows(plans)
    sql = GENERATE_SQL.format(plan_rows=plan_rows)
    params.update(
        operating=Status.OPERATING,
        staff_roles=sorted(ENTERPRISE_STAFF),
        safety_manager=Role.SAFETY_MANAGER,
        pending=_system_move("generate")[1],
        ctype=ContentType.objects.get_for_model(SelfCheckTask).pk,
        request_id=f"job-{uuid.uuid4()}",
    )
    for lo in range(bounds["lo"], bounds["hi"] + 1, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "lo": lo, "hi": lo + CHUNK})
            looked, created = cursor.fetchone()
        _progress(run, done=run.done + looked, created=run.created + created)
    return run


MISS_SQL = """
WITH missed AS (
  UPDATE selfchecks_selfchecktask SET state = %(missed)s, version = version + 1
  WHERE state = %(pending)s AND due_date < %(day)s
  RETURNING id, region_code, measure_id, period_start, due_date
),
audited AS (
  INSERT INTO core_auditentry (at, actor_id, actor_label, action, content_type_id, object_id,
    object_repr, region_code, changes, request_id, ip)
  SELECT now(), NULL, 'system', 'selfchecks.selfchecktask.miss', %(ctype)s, missed.id::text,
         missed.measure_id || '/' || missed.period_start, missed.region_code,
         jsonb_build_object('state', jsonb_build_array(%(pending)s, %(missed)s)),
         %(request_id)s, NULL
  FROM missed
  RETURNING 1
)
SELECT count(*) FROM audited
"""


def mark_missed(run: JobRun) -> JobRun:
    """Tasks still to do whose due day is before `run.day` become missed (a MISS run)."""
    (pending,), missed = _system_move("miss")
    late = SelfCheckTask.objects.filter(state=pending, due_date__lt=run.day)
    _progress(run, total=late.count())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            MISS_SQL,
            {
                "missed": missed,
                "pending": pending,
                "day": run.day,
                "ctype": ContentType.objects.get_for_model(SelfCheckTask).pk,
                "request_id": f"job-{uuid.uuid4()}",
            },
        )
        (changed,) = cursor.fetchone()
    _progress(run, done=run.total, created=changed)
    return run


JOBS = {RunKind.GENERATE: generate, RunKind.MISS: mark_missed}


def execute(run: JobRun) -> JobRun:
    """Run a queued job run, recording start, progress, outcome and failure."""
    _progress(run, status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        JOBS[run.kind](run)
    except Exception as error:
        _progress(
            run,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            message=str(error)[:500],
        )
        raise
    _progress(run, status=RunStatus.DONE, finished_at=timezone.now(), done=run.total)
    return run


def run_now(kind: str, day: date, *, requested_by=None) -> JobRun:
    """Create and execute a run in this process (the periodic jobs and commands)."""
    return execute(JobRun.objects.create(kind=kind, day=day, requested_by=requested_by))

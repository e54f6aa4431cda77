"""The page sweep's dataset: realistic volumes of everything a page lists beside hidden
dangers, on a database built by bench.dashboards.generate (enterprises, risk points, hidden
dangers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench10m PYTHONPATH=src:. \
      .venv/bin/python -m bench.sweep.generate [--enterprises N] [--days 365]

For the first N generated enterprises (all of them by default):

- accounts: a safety manager per enterprise (bench.selfchecks' `staff`), a grid inspector per
  generated grid cell and an officer per generated park, so every scope has a real account;
- self-checks: a daily and a weekly control measure per enterprise (on its first risk point)
  and their tasks over the last `--days` days: daily tasks on Monday–Friday (the daily rule
  skips non-working days; statutory holidays are not looked up), weekly ones due on Friday;
  85 % done with a record (3 % of them abnormal, fixed on the spot), the rest missed, and
  yesterday's and today's still pending (yesterday's overdue: the miss job runs at night);
- inspections: two years of submitted visits (bench.inspections' `visits`), this year's
  quarterly comprehensive plan per county and this quarter's visits to a quarter of the
  enterprises by their grid inspector (submitted before today, assigned after);
- early warnings: over twelve months, 4 % of the enterprises a month with open hidden dangers
  rising and 2 % without self-check records; older months closed, last month's open;
- accidents: `--accidents` a year (300) over the city, general grade, each with its three
  reporting steps reported in time;
- notifications: a weekly self-check reminder to every safety manager and a daily warning
  summary to every regulator, over the year, 80 % read.

Rows are written by PostgreSQL (INSERT … SELECT over generate_series and the tables already
loaded, bench.sqlgen); draws are `hashint8extended(key, salt)`, so a rerun on a fresh
generation builds the same data. Each table is filled once: a rerun adds nothing to a table
that already holds the sweep's rows. A sample of each table's new rows goes through the
model's own `full_clean`. Prints rows and seconds per table.
"""

import argparse
import os
import time

CHUNK = 2_000  # measures per task statement (about 520,000 daily tasks)
SALT = 5100


def rnd(key: str, salt: int) -> str:
    """A uniform draw in [0, 1) for row `key`, fixed by `salt`."""
    return f"((hashint8extended(({key})::bigint, {SALT + salt}) & 2147483647) / 2147483648.0)"


def sql(statement: str, params=()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def timed(label: str, work) -> None:
    started = time.monotonic()
    rows = work()
    if rows is None:
        print(f"  {label:34} already there", flush=True)
    else:
        print(f"  {label:34} {rows:>12,} rows {time.monotonic() - started:8.1f} s", flush=True)


def checked(model, queryset, sample: int = 20) -> None:
    """The model's own validation on a few of the rows just written."""
    from django.core.exceptions import ValidationError

    for obj in queryset.order_by("-pk")[:sample]:
        try:
            obj.full_clean(validate_constraints=True)
        except ValidationError as error:
            blank_binary = {
                f.name for f in model._meta.fields if f.get_internal_type() == "BinaryField"
            }
            left = {k: v for k, v in error.message_dict.items() if k not in blank_binary}
            if left:
                raise SystemExit(f"{model.__name__} {obj.pk}: {left}") from error


class Bench:
    """The generated enterprises the sweep's data goes to: ids first … last."""

    def __init__(self, limit: int | None):
        from safeloop.enterprises.models import Enterprise

        ids = Enterprise.objects.filter(uscc__startswith="BENCH").order_by("pk")
        self.first = ids.values_list("pk", flat=True).first()
        if self.first is None:
            raise SystemExit("no generated enterprises: run bench.dashboards.generate first")
        total = ids.count()
        self.count = min(limit or total, total)
        self.last = self.first + self.count - 1


# Accounts -----------------------------------------------------------------------------


def safety_managers(bench: Bench):
    from bench.selfchecks.generate import staff
    from safeloop.orgs.models import User

    if User.objects.filter(username="bench_sm_1").exists():
        return None
    staff(bench.first, bench.count)
    # As RoleAssignment.save sets it: the unit's county, which account lists are scoped by.
    sql(
        "UPDATE orgs_roleassignment ra SET region_code = e.region_code "
        "FROM enterprises_enterprise e WHERE ra.enterprise_id = e.id AND ra.region_code = ''"
    )
    return bench.count


def regulators():
    """A grid inspector per generated grid cell and an officer per generated park."""
    from bench.sqlgen import insert_select
    from safeloop.orgs.models import RoleAssignment, User

    if User.objects.filter(username__startswith="bench_park_").exists():
        return None
    rows = 0
    for unit, table, prefix, role, name in (
        ("grid", "orgs_gridcell", "bench_grid_", "grid_inspector", "'网格员' || c.id"),
        ("park", "orgs_park", "bench_park_", "park_officer", "'园区安监员' || c.id"),
    ):
        mine = "c.code LIKE 'B%%'" if unit == "grid" else "c.name LIKE '基准园区%%'"
        key = "c.code" if unit == "grid" else "c.id::text"
        rows += insert_select(
            User,
            f"{table} c WHERE {mine} AND NOT EXISTS (SELECT 1 FROM orgs_user u "
            f"WHERE u.username = '{prefix}' || {key})",
            {
                "username": f"'{prefix}' || {key}",
                "password": "'!'",
                "is_active": "true",
                "date_joined": "now()",
                "full_name": name,
            },
        )
        insert_select(
            RoleAssignment,
            f"{table} c JOIN orgs_user u ON u.username = '{prefix}' || {key} WHERE {mine}",
            {
                "user_id": "u.id",
                "role": f"'{role}'",
                f"{unit}_id": "c.id",
                "region_code": "c.region_code",
                "active": "true",
            },
        )
    checked(RoleAssignment, RoleAssignment.objects.filter(user__username__startswith="bench_"))
    return rows


# Self-checks -------------------------------------------------------------------------


def measures(bench: Bench):
    from bench.sqlgen import insert_series
    from safeloop.risks.models import ControlMeasure

    if ControlMeasure.objects.filter(description__startswith="基准巡查").exists():
        return None
    rows = 0
    for frequency, label in (("daily", "每日"), ("weekly", "每周")):
        rows += insert_series(
            ControlMeasure,
            bench.first,
            bench.last,
            {
                "enterprise_id": "g",
                "risk_point_id": "(SELECT min(id) FROM risks_riskpoint p "
                "WHERE p.enterprise_id = g AND NOT p.is_deleted)",
                "kind": "'management'",
                "description": f"'基准巡查{label}：' || g",
                "control_level": "'team'",
                "responsible": "'班组长' || g",
                "inspection_frequency": f"'{frequency}'",
                "version": "1",
            },
            where="EXISTS (SELECT 1 FROM risks_riskpoint p "
            "WHERE p.enterprise_id = g AND NOT p.is_deleted)",
        )
    checked(ControlMeasure, ControlMeasure.objects.filter(description__startswith="基准巡查"))
    return rows


# A task's state from its due day: 85 % done; before yesterday the rest missed (the nightly
# job marked them); yesterday's rest pending (overdue); due today or later 40 % done already.
def _state(due: str, draw: str) -> str:
    return (
        f"CASE WHEN {draw} < (CASE WHEN {due} >= current_date THEN 0.4 ELSE 0.85 END) "
        f"THEN 'done' WHEN {due} < current_date - 1 THEN 'missed' ELSE 'pending' END"
    )


def tasks(days: int):
    from bench.sqlgen import analyse, insert_select
    from safeloop.risks.models import ControlMeasure
    from safeloop.selfchecks.models import ScheduleRule, SelfCheckTask

    ours = ControlMeasure.objects.filter(description__startswith="基准巡查")
    if SelfCheckTask.objects.filter(measure__in=ours[:1]).exists():
        return None
    rules = {
        f: ScheduleRule.objects.filter(frequency=f).order_by("-effective_from").first().pk
        for f in ("daily", "weekly")
    }
    staff = (
        "(SELECT DISTINCT ON (enterprise_id) enterprise_id, user_id FROM orgs_roleassignment "
        "WHERE role = 'safety_manager' AND active ORDER BY enterprise_id, id) sm "
        "ON sm.enterprise_id = m.enterprise_id"
    )
    daily = {
        "frequency": "'daily'",
        "period": "'day'",
        "period_start": "d.day",
        "period_end": "d.day",
        "due_date": "d.day",
        "rule_id": str(rules["daily"]),
        "state": _state("d.day", rnd("m.id * 1000 + (current_date - d.day)", 1)),
        "created_at": "d.day + interval '1 minute'",
    }
    weekly = {
        "frequency": "'weekly'",
        "period": "'week'",
        "period_start": "d.day",
        "period_end": "d.day + 6",
        "due_date": "d.day + 4",
        "rule_id": str(rules["weekly"]),
        "state": _state("d.day + 4", rnd("m.id * 1000 + (current_date - d.day)", 2)),
        "created_at": "d.day + interval '1 minute'",
    }
    series = {
        "daily": f"generate_series(current_date - {days - 1}, current_date, interval '1 day')",
        "weekly": f"generate_series(date_trunc('week', current_date - {days - 1}), current_date,"
        " interval '1 week')",
    }
    common = {
        "enterprise_id": "m.enterprise_id",
        "region_code": "e.region_code",
        "measure_id": "m.id",
        "risk_point_id": "m.risk_point_id",
        "assignee_id": "sm.user_id",
        "responsible_name": "m.responsible",
        "version": "1",
    }
    low, high = ours.order_by("pk").values_list("pk", flat=True)[:1][0], ours.latest("pk").pk
    rows = 0
    for frequency, values in (("daily", daily), ("weekly", weekly)):
        weekdays = "AND extract(isodow FROM d.day) < 6" if frequency == "daily" else ""
        for start in range(low, high + 1, CHUNK):
            rows += insert_select(
                SelfCheckTask,
                f"risks_controlmeasure m JOIN enterprises_enterprise e ON e.id = m.enterprise_id "
                f"LEFT JOIN {staff} "
                f"CROSS JOIN (SELECT day::date AS day FROM {series[frequency]} AS day) d "
                f"WHERE m.id BETWEEN %s AND %s AND m.inspection_frequency = '{frequency}' "
                f"AND m.description LIKE '基准巡查%%' {weekdays}",
                {**common, **values},
                params=[start, min(start + CHUNK - 1, high)],
                statistics=False,
            )
    analyse(SelfCheckTask)
    checked(SelfCheckTask, SelfCheckTask.objects.filter(measure__in=ours))
    return rows


def records():
    from bench.sqlgen import insert_select
    from safeloop.selfchecks.models import SelfCheckRecord

    if SelfCheckRecord.objects.filter(note__startswith="基准巡查").exists():
        return None
    abnormal = f"{rnd('t.id', 3)} < 0.03"
    rows = insert_select(
        SelfCheckRecord,
        "selfchecks_selfchecktask t JOIN risks_controlmeasure m ON m.id = t.measure_id "
        "WHERE t.state = 'done' AND m.description LIKE '基准巡查%%' "
        "AND t.assignee_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM selfchecks_selfcheckrecord r WHERE r.task_id = t.id)",
        {
            "task_id": "t.id",
            "enterprise_id": "t.enterprise_id",
            "region_code": "t.region_code",
            "result": f"CASE WHEN {abnormal} THEN 'abnormal' ELSE 'normal' END",
            "note": f"CASE WHEN {abnormal} THEN '基准巡查：发现异常，已当场整改' "
            "ELSE '基准巡查：正常' END",
            "hazard_action": f"CASE WHEN {abnormal} THEN 'fix_on_spot' ELSE '' END",
            "recorded_by_id": "t.assignee_id",
            "recorded_at": "LEAST(now(), t.due_date + interval '9 hours' "
            f"+ {rnd('t.id', 4)} * interval '8 hours')",
        },
    )
    checked(SelfCheckRecord, SelfCheckRecord.objects.filter(note__startswith="基准巡查"))
    return rows


# Inspections -------------------------------------------------------------------------


def history(bench: Bench):
    """Two years of submitted visits (bench.inspections' own generator)."""
    from bench.inspections.generate import visits
    from safeloop.inspections.models import Plan, Visit

    if Plan.objects.filter(title="基准历史检查").exists():
        return None
    visits(bench.first, bench.count)
    return Visit.objects.filter(plan__title="基准历史检查").count()


def plans():
    """This year's quarterly comprehensive plan per county: past quarters closed."""
    import datetime

    from django.utils import timezone

    from safeloop.inspections.models import Plan
    from safeloop.orgs.models import Region

    today = timezone.localdate()
    if Plan.objects.filter(title__startswith=f"基准{today.year}年").exists():
        return None
    rows = 0
    for county in Region.objects.filter(level="county").order_by("code"):
        for q in range(4):
            start = datetime.date(today.year, 3 * q + 1, 1)
            end = datetime.date(today.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
            end -= datetime.timedelta(days=1)
            plan = Plan(
                title=f"基准{today.year}年第{q + 1}季度综合检查（{county.name}）",
                kind="comprehensive",
                region=county,
                period_start=start,
                period_end=end,
                state="closed" if end < today else "published",
            )
            plan.full_clean(exclude=["created_by"])  # a generated plan has no author
            plan.save()
            rows += 1
    return rows


def visits_this_quarter(bench: Bench):
    from django.utils import timezone

    from bench.sqlgen import insert_select
    from safeloop.inspections.models import Plan, Visit

    today = timezone.localdate()
    current = Plan.objects.filter(
        title__startswith=f"基准{today.year}年", period_start__lte=today, period_end__gte=today
    )
    if Visit.objects.filter(plan__in=current).exists():
        return None
    done = "'基准检查：未发现重大隐患'"
    day = f"(p.period_start + floor({rnd('e.id', 10)} * (p.period_end - p.period_start + 1))::int)"
    rows = insert_select(
        Visit,
        "enterprises_enterprise e "
        "JOIN inspections_plan p ON p.region_code = e.region_code "
        "AND p.id IN (" + ",".join(str(p.pk) for p in current) + ") "
        "JOIN (SELECT DISTINCT ON (grid_id) grid_id, user_id FROM orgs_roleassignment "
        "WHERE role = 'grid_inspector' AND active ORDER BY grid_id, id) gi "
        "ON gi.grid_id = e.grid_id "
        f"WHERE e.id BETWEEN {bench.first} AND {bench.last} AND {rnd('e.id', 11)} < 0.25",
        {
            "plan_id": "p.id",
            "enterprise_id": "e.id",
            "region_code": "e.region_code",
            "inspector_id": "gi.user_id",
            "scheduled_on": day,
            "state": f"CASE WHEN {day} < current_date THEN 'submitted' ELSE 'assigned' END",
            "started_at": f"CASE WHEN {day} < current_date THEN {day} + interval '9 hours' END",
            "submitted_at": f"CASE WHEN {day} < current_date THEN {day} + interval '11 hours' END",
            "summary": f"CASE WHEN {day} < current_date THEN {done} ELSE '' END",
            "version": "1",
        },
    )
    checked(Visit, Visit.objects.filter(plan__in=current))
    return rows


# Early warnings, accidents, notifications --------------------------------------------


def warnings(bench: Bench):
    from bench.sqlgen import insert_select
    from safeloop.alerts.models import EarlyWarning, WarningRule

    if EarlyWarning.objects.filter(reason__startswith="基准").exists():
        return None
    rows = 0
    month = "(date_trunc('month', current_date) - m.n * interval '1 month')"
    for code, share, salt in (("hazards_rising", 0.04, 20), ("no_self_check", 0.02, 21)):
        rule = WarningRule.objects.get(code=code)
        if code == "hazards_rising":
            period = f"to_char({month}, 'YYYY-MM')"
            reason = f"'基准：未整改隐患由上月末 ' || (1 + e.id % 3) || ' 项增至本月末 ' || (4 + e.id % 5) || ' 项（' || {period} || '）'"  # noqa: E501
            details = (
                f"jsonb_build_object('before', 1 + e.id % 3, 'after', 4 + e.id % 5, "
                f"'month', {period})"
            )
        else:
            period = f"to_char({month} - interval '31 days', 'YYYY-MM-DD')"
            reason = f"'基准：30 天无隐患自查记录（最近一次 ' || {period} || '）'"
            details = f"jsonb_build_object('days', 30, 'last', {period})"
        closed = "m.n > 1"
        rows += insert_select(
            EarlyWarning,
            "enterprises_enterprise e CROSS JOIN generate_series(0, 11) AS m(n) "
            f"WHERE e.id BETWEEN {bench.first} AND {bench.last} "
            f"AND {rnd('e.id * 100 + m.n', salt)} < {share} AND NOT EXISTS "
            "(SELECT 1 FROM alerts_earlywarning w WHERE w.rule_id = "
            f"{rule.pk} AND w.subject_kind = 'enterprise' AND w.subject_id = e.id "
            f"AND w.period = {period})",
            {
                "rule_id": str(rule.pk),
                "subject_kind": "'enterprise'",
                "subject_id": "e.id",
                "subject_label": "e.name",
                "period": period,
                "region_code": "e.region_code",
                "enterprise_id": "e.id",
                "park_id": "e.park_id",
                "grid_id": "e.grid_id",
                "state": f"CASE WHEN {closed} THEN 'closed' WHEN m.n = 1 AND e.id % 2 = 0 "
                "THEN 'acknowledged' ELSE 'open' END",
                "reason": reason,
                "details": details,
                "link": "'/enterprises/' || e.id || '/'",
                "raised_at": f"LEAST(now(), {month} + interval '1 month' + interval '2 hours')",
                "acknowledged_at": f"CASE WHEN {closed} OR e.id % 2 = 0 "
                f"THEN {month} + interval '1 month' + interval '1 day' END",
                "closed_at": f"CASE WHEN {closed} THEN {month} + interval '1 month' "
                "+ interval '20 days' END",
                "version": "1",
            },
        )
    checked(EarlyWarning, EarlyWarning.objects.filter(reason__startswith="基准"))
    return rows


def accidents(bench: Bench, per_year: int):
    from bench.sqlgen import insert_select, insert_series
    from safeloop.accidents.models import Accident, ReportStep
    from safeloop.risks.models import AccidentType

    if Accident.objects.filter(summary__startswith="基准事故").exists():
        return None
    types = list(AccidentType.objects.order_by("pk").values_list("pk", flat=True)) or ["NULL"]
    occurred = f"(now() - interval '365 days' * (1 - g::float / {per_year}) - interval '3 hours')"
    rows = insert_series(
        Accident,
        1,
        per_year,
        {
            "enterprise_id": f"{bench.first} + floor({bench.count} * {rnd('g', 30)})::int",
            "occurred_at": occurred,
            "place": "'车间' || (g % 40)",
            "summary": "'基准事故：作业中发生人员受伤 ' || g",
            "accident_type_id": f"(ARRAY[{','.join(map(str, types))}])"
            f"[1 + floor({len(types)} * {rnd('g', 31)})::int]",
            "deaths": f"CASE WHEN {rnd('g', 32)} < 0.15 THEN 1 ELSE 0 END",
            "serious_injuries": f"floor(3 * {rnd('g', 33)})::int",
            "minor_injuries": f"floor(4 * {rnd('g', 34)})::int",
            "direct_loss": f"round((20000 + 980000 * {rnd('g', 35)})::numeric, 2)",
            "measures_taken": "'已停止作业，伤员送医'",
            "grade": "'general'",
            "reported_at": f"{occurred} + interval '40 minutes'",
            "reported_late": "false",
            "state": "'reported'",
            "version": "1",
        },
    )
    # The chain as the services write it: each level reports 50 minutes after learning of it.
    step_rules = (
        "(SELECT DISTINCT ON (level) level, within_minutes, source FROM "
        "accidents_reportingsteprule WHERE effective_from <= current_date "
        "ORDER BY level, effective_from DESC) r"
    )
    position = "(CASE r.level WHEN 'enterprise' THEN 0 WHEN 'county' THEN 1 ELSE 2 END)"
    learnt = f"a.occurred_at + ({position} * 50 - (CASE WHEN {position} = 0 THEN 0 ELSE 10 END)) * interval '1 minute'"  # noqa: E501
    insert_select(
        ReportStep,
        f"accidents_accident a CROSS JOIN {step_rules} WHERE a.summary LIKE '基准事故%%'",
        {
            "accident_id": "a.id",
            "level": "r.level",
            "position": position,
            "within_minutes": "r.within_minutes",
            "source": "r.source",
            "due_at": f"{learnt} + r.within_minutes * interval '1 minute'",
            "reported_at": f"a.occurred_at + (40 + {position} * 50) * interval '1 minute'",
            "late": "false",
        },
    )
    checked(Accident, Accident.objects.filter(summary__startswith="基准事故"))
    return rows


def notifications():
    from bench.sqlgen import insert_select
    from safeloop.core.models import Notification

    if Notification.objects.filter(dedupe_key__startswith="bench-sweep:").exists():
        return None
    rows = 0
    for who, step, count, kind, title, link in (
        (
            "u.username LIKE 'bench_sm_%%'",
            "1 week",
            52,
            "selfcheck",
            "'【自查提醒】本周排查任务待完成'",
            "/selfchecks/",
        ),
        (
            "EXISTS (SELECT 1 FROM orgs_roleassignment ra WHERE ra.user_id = u.id AND ra.active "
            "AND ra.role IN ('city_admin','city_inspector','county_admin','county_inspector',"
            "'park_officer','grid_inspector'))",
            "1 day",
            365,
            "warning",
            "'【预警】今日新增预警汇总'",
            "/alerts/",
        ),
    ):
        created = f"(now() - n * interval '{step}' - interval '1 hour')"
        rows += insert_select(
            Notification,
            f"orgs_user u CROSS JOIN generate_series(0, {count - 1}) AS n WHERE u.is_active "
            f"AND {who}",
            {
                "recipient_id": "u.id",
                "created_at": created,
                "kind": f"'{kind}'",
                "title": title,
                "body": "'基准通知'",
                "link": f"'{link}'",
                "read_at": f"CASE WHEN n > 0 AND {rnd('u.id * 1000 + n', 40)} < 0.8 "
                f"THEN {created} + interval '2 hours' END",
                "dedupe_key": f"'bench-sweep:{kind}:' || n",
            },
        )
    checked(Notification, Notification.objects.filter(dedupe_key__startswith="bench-sweep:"))
    return rows


def refresh_standings() -> int:
    """The nightly job's refresh, so the completion table's presets read their standings."""
    from django.utils import timezone

    from safeloop.selfchecks import standings

    return standings.refresh(timezone.localdate())


def refresh_key_units() -> int:
    """The key units list kept (the hourly job's refresh): the accidents above are reasons."""
    from safeloop.alerts import keyunits

    return keyunits.refresh()["listed"]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, help="the first N generated ones (all)")
    parser.add_argument("--days", type=int, default=365, help="days of self-check tasks")
    parser.add_argument("--accidents", type=int, default=300, help="accidents over the year")
    ns = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    bench = Bench(ns.enterprises)
    print(f"enterprises {bench.first}–{bench.last} ({bench.count:,})", flush=True)
    timed("safety managers", lambda: safety_managers(bench))
    timed("grid inspectors, park officers", regulators)
    timed("control measures", lambda: measures(bench))
    timed("self-check tasks", lambda: tasks(ns.days))
    timed("self-check records", records)
    timed("visits, two years (submitted)", lambda: history(bench))
    timed("inspection plans, this year", plans)
    timed("visits, this quarter", lambda: visits_this_quarter(bench))
    timed("early warnings", lambda: warnings(bench))
    timed("accidents (with reporting steps)", lambda: accidents(bench, ns.accidents))
    timed("notifications", notifications)
    timed("completion standings", refresh_standings)
    timed("key units", refresh_key_units)
    sql("VACUUM ANALYZE")
    print(f"dataset ready in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()

"""Each early-warning rule fires on the rows that meet it, not on those that do not, and a
repeated evaluation raises nothing twice; warnings reach the inbox of the rule's audience."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeloop.alerts import evaluation, rules
from safeloop.alerts.choices import RuleCode, WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.core.models import AuditEntry, CalendarOverride, Notification
from safeloop.enterprises.models import Licence, SpecialOperator
from safeloop.hazards.choices import Level, State
from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from safeloop.selfchecks import generation
from safeloop.selfchecks import services as selfchecks
from safeloop.selfchecks.choices import RunKind
from safeloop.selfchecks.models import SelfCheckTask
from safeloop.selfchecks.rules_data import ensure_rules
from tests.alerts.conftest import TODAY, hazard_on

R = RuleCode


def licence(enterprise, days_left, number="L1", **fields):
    return Licence.objects.create(
        enterprise=enterprise,
        number=number,
        authority="宁夏应急管理厅",
        valid_from=TODAY() - timedelta(days=1000),
        valid_to=TODAY() + timedelta(days=days_left),
        **fields,
    )


def warnings(code):
    return EarlyWarning.objects.filter(rule__code=code)


def test_it_warns_of_a_licence_once_per_stage(world, rule):
    r = rule(R.LICENCE_EXPIRY)
    soon = licence(world.inside, 75)
    licence(world.sibling, 150, number="L2")  # beyond 90 days: nothing yet
    first = evaluation.evaluate(r)
    assert first["raised"] == 1
    w = warnings(R.LICENCE_EXPIRY).get()
    assert w.subject_id == soon.pk and w.enterprise == world.inside
    assert w.details["stage"] == 90 and "剩余 75 天" in w.reason
    assert w.state == WarningState.OPEN and w.region_code == "640104"
    assert evaluation.evaluate(r)["raised"] == 0  # deduplicated
    # 45 days later it is within 60 days: a new stage, a new warning
    assert evaluation.evaluate(r, today=TODAY() + timedelta(days=30))["raised"] == 1
    assert sorted(w.details["stage"] for w in warnings(R.LICENCE_EXPIRY)) == [60, 90]
    assert AuditEntry.objects.filter(action="alerts.earlywarning.raise").count() == 2


def test_it_leaves_renewed_revoked_and_expired_licences_alone(world, rule):
    r = rule(R.LICENCE_EXPIRY)
    licence(world.inside, 20, number="OLD")
    licence(world.inside, 1100, number="NEW")  # renewed
    licence(world.sibling, 20, number="REV", status="revoked")
    licence(world.outside, -3, number="GONE")  # already expired: the key units list shows it
    assert evaluation.evaluate(r)["raised"] == 0


def test_it_tells_the_audience_in_the_inbox_once(world, rule):
    r = rule(R.LICENCE_EXPIRY, first_run_at=timezone.now())
    licence(world.inside, 10)
    evaluation.evaluate(r)
    evaluation.evaluate(r)
    told = set(Notification.objects.filter(kind="warning").values_list("recipient", flat=True))
    expected = {world.user(x).pk for x in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER)}
    expected |= {world.user(x).pk for x in (Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR)}
    assert told == expected
    assert Notification.objects.filter(kind="warning").count() == len(expected)
    note = Notification.objects.filter(kind="warning").first()
    assert note.link == f"/alerts/{warnings(R.LICENCE_EXPIRY).get().pk}/"


def test_a_rules_first_run_sends_each_person_one_digest_not_a_flood(world, rule):
    r = rule(R.LICENCE_EXPIRY)
    assert r.first_run_at is None
    licence(world.inside, 10, number="FIRST-1", kind="safety_production")
    licence(world.inside, 12, number="FIRST-2", kind="hazardous_chemicals")
    assert evaluation.evaluate(r)["raised"] == 2
    notes = Notification.objects.filter(kind="warning")
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    assert notes.filter(recipient=principal).count() == 1
    digest = notes.get(recipient=principal)
    assert digest.title == "【预警】许可证即将到期：首次运行发现 2 条"
    assert digest.link == "/alerts/?rule=licence_expiry&group=enterprise"
    r.refresh_from_db()
    assert r.first_run_at is not None
    # From the second run on, each new warning is its own message.
    licence(world.inside, 15, number="LATER", kind="other")
    assert evaluation.evaluate(r)["raised"] == 1
    assert notes.filter(recipient=principal).count() == 2
    later = notes.filter(recipient=principal).exclude(pk=digest.pk).get()
    assert (
        later.link
        == f"/alerts/{warnings(R.LICENCE_EXPIRY).get(subject_label__contains='LATER').pk}/"
    )


def test_a_disabled_rule_raises_nothing(world, rule):
    r = rule(R.LICENCE_EXPIRY, enabled=False)
    licence(world.inside, 10)
    assert evaluation.evaluate(r)["status"] == "disabled"
    assert not warnings(R.LICENCE_EXPIRY).exists()


def test_thresholds_are_data(world, rule):
    r = rule(R.LICENCE_EXPIRY, params={"days": [120]})
    licence(world.inside, 110)
    assert evaluation.evaluate(r)["raised"] == 1


def test_it_warns_of_certificates_without_the_id_number(world, rule):
    r = rule(R.CERTIFICATE_EXPIRY)
    operator = SpecialOperator.objects.create(
        enterprise=world.inside,
        name="李四",
        id_number="11010519491231002X",
        certificate_type="welding",
        certificate_number="T123",
        valid_to=TODAY() + timedelta(days=25),
    )
    assert evaluation.evaluate(r)["raised"] == 1
    w = warnings(R.CERTIFICATE_EXPIRY).get()
    assert w.subject_id == operator.pk and w.details["stage"] == 30
    assert "李四" in w.reason and "1101" not in w.reason + w.subject_label
    assert evaluation.evaluate(r)["raised"] == 0


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_it_warns_when_open_hidden_dangers_rise_month_over_month(world, rule):
    r = rule(R.HAZARDS_RISING)  # up by 3 and by 50 %
    this_month = TODAY().replace(day=1)
    last = rules.previous_month(this_month)
    before = rules.previous_month(last)
    # inside: 2 open at the end of the month before, 5 at the end of last month
    for _ in range(2):
        hazard_on(world.inside, found_at=_at(before))
    for _ in range(3):
        hazard_on(world.inside, found_at=_at(last))
    # sibling: 4 → 6 (+2: below the increase threshold)
    for _ in range(4):
        hazard_on(world.sibling, found_at=_at(before))
    for _ in range(2):
        hazard_on(world.sibling, found_at=_at(last))
    # outside: 10 → 13 (+3 but +30 %), and a closed and a voided one that never count
    for _ in range(10):
        hazard_on(world.outside, found_at=_at(before))
    for _ in range(3):
        hazard_on(world.outside, found_at=_at(last))
    hazard_on(world.outside, found_at=_at(last), state=State.VOIDED)
    result = evaluation.evaluate(r)
    assert result["raised"] == 1
    w = warnings(R.HAZARDS_RISING).get()
    assert w.enterprise == world.inside
    assert w.details == {"before": 2, "after": 5, "month": last.strftime("%Y-%m")}
    assert evaluation.evaluate(r)["raised"] == 0


def test_a_hidden_danger_closed_before_the_month_end_is_not_open_then(world, rule):
    r = rule(R.HAZARDS_RISING, params={"min_increase": 1, "min_percent": 0})
    last = rules.previous_month(TODAY().replace(day=1))
    hazard_on(
        world.inside, found_at=_at(last), state=State.CLOSED, accepted_at=_at(last + timedelta(1))
    )
    # closed without an acceptance time (imported history): closed from the start
    hazard_on(world.inside, found_at=_at(last), state=State.CLOSED, accepted_at=None)
    assert evaluation.evaluate(r)["raised"] == 0
    hazard_on(world.inside, found_at=_at(last))
    assert evaluation.evaluate(r)["raised"] == 1


def test_it_warns_of_an_overdue_cluster_in_a_park_and_a_grid(world, rule):
    r = rule(R.OVERDUE_CLUSTER, params={"park_min": 3, "grid_min": 2})
    late = TODAY() - timedelta(days=3)
    for _ in range(3):
        hazard_on(world.inside, deadline=late)
    hazard_on(world.inside, deadline=late, state=State.CLOSED)  # closed: not overdue
    hazard_on(world.sibling, deadline=late)  # not in a park
    result = evaluation.evaluate(r)
    assert result["raised"] == 2
    kinds = {w.subject_kind: w for w in warnings(R.OVERDUE_CLUSTER)}
    assert kinds["park"].park == world.park and kinds["park"].details["overdue"] == 3
    assert kinds["grid"].grid == world.grid and kinds["grid"].park == world.park
    assert kinds["park"].enterprise is None
    told = set(Notification.objects.filter(kind="warning").values_list("recipient", flat=True))
    assert world.user(Role.PARK_OFFICER).pk in told
    assert world.user(Role.GRID_INSPECTOR).pk in told
    assert world.user(Role.ENTERPRISE_PRINCIPAL).pk not in told
    assert evaluation.evaluate(r)["raised"] == 0


def test_below_the_cluster_threshold_nothing_is_raised(world, rule):
    r = rule(R.OVERDUE_CLUSTER)  # park 5, grid 3
    for _ in range(2):
        hazard_on(world.inside, deadline=TODAY() - timedelta(days=1))
    assert evaluation.evaluate(r)["raised"] == 0


def test_the_self_check_rule_reads_the_self_check_records(world, rule):
    r = rule(R.NO_SELF_CHECK)  # 30 days, enterprises never checked included
    point = risks.create_risk_point(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.inside,
        name="冲压机",
        kind="equipment",
        location="一号车间",
    )
    risks.create_measure(
        actor=world.user(Role.SYSTEM_ADMIN),
        point=point,
        kind="management",
        description="检查防护罩",
        control_level="team",
        responsible="张班长",
        inspection_frequency="shift",  # due every day, rest days included
    )
    ensure_rules()
    generation.run_now(RunKind.GENERATE, TODAY())
    task = SelfCheckTask.objects.get()
    selfchecks.record_task(task=task, actor=world.user(Role.SAFETY_MANAGER), result="normal")
    assert rules.last_self_check_dates() == {world.inside.pk: TODAY()}
    evaluation.evaluate(r)
    assert set(warnings(R.NO_SELF_CHECK).values_list("subject_id", flat=True)) == {
        world.sibling.pk,
        world.outside.pk,
    }  # never checked; `inside` checked today


def test_the_self_check_rule_fires_on_the_dates_it_is_given(world, rule):
    """The statement the rule runs once the self-checks app supplies the dates."""
    r = rule(R.NO_SELF_CHECK)  # 30 days, enterprises never checked included
    last = {world.inside.pk: TODAY() - timedelta(days=31), world.sibling.pk: TODAY()}
    chosen = rules.no_self_check(r.params, TODAY(), last)
    with connection.cursor() as cursor:
        cursor.execute(chosen.sql, chosen.params)
        rows = {row[1]: row for row in cursor.fetchall()}
    assert set(rows) == {world.inside.pk, world.outside.pk}  # outside: never checked
    assert "31 天" in rows[world.inside.pk][8]
    assert rows[world.outside.pk][3] == "never"


def _major(world, deadline, state=State.RECTIFYING):
    return hazard_on(world.inside, level=Level.MAJOR, deadline=deadline, state=state)


def test_it_warns_of_a_major_hidden_danger_near_its_deadline_in_working_days(world, rule):
    r = rule(R.MAJOR_DEADLINE)  # 10 working days
    today = date(2026, 9, 28)  # Monday; 1–7 October is the National Day holiday
    inside = _major(world, date(2026, 10, 14))  # 8 working days away (10-10 is a workday)
    _major(world, date(2026, 10, 30))  # far
    _major(world, date(2026, 10, 9), state=State.AWAITING)  # evidence submitted
    hazard_on(world.inside, level=Level.GENERAL, deadline=date(2026, 10, 9))  # general
    assert evaluation.evaluate(r, today=today)["raised"] == 1
    w = warnings(R.MAJOR_DEADLINE).get()
    assert w.subject_id == inside.pk and w.period == "2026-10-14"
    assert evaluation.evaluate(r, today=today)["raised"] == 0


def test_the_deadline_rule_reads_administrator_calendar_overrides(world, rule):
    r = rule(R.MAJOR_DEADLINE, params={"working_days": 1})
    today = date(2026, 9, 28)
    _major(world, date(2026, 9, 30))
    assert evaluation.evaluate(r, today=today)["raised"] == 0  # 29th is the 1st working day
    CalendarOverride.objects.create(day=date(2026, 9, 29), is_workday=False, note="停电")
    assert evaluation.evaluate(r, today=today)["raised"] == 1


@pytest.mark.parametrize(
    ("code", "params"),
    [
        (R.LICENCE_EXPIRY, {"days": []}),
        (R.LICENCE_EXPIRY, {"days": ["90"]}),
        (R.LICENCE_EXPIRY, {"days": [90], "extra": 1}),
        (R.HAZARDS_RISING, {"min_increase": -1, "min_percent": 5}),
        (R.OVERDUE_CLUSTER, {"park_min": True, "grid_min": 3}),
        (R.NO_SELF_CHECK, {"days": 30, "include_never": "yes"}),
        (R.MAJOR_DEADLINE, "10"),
    ],
)
def test_bad_thresholds_are_refused_field_by_field(world, rule, code, params):
    from django.core.exceptions import ValidationError

    r = rule(code)
    r.params = params
    with pytest.raises(ValidationError) as error:
        r.full_clean()
    assert "params" in error.value.message_dict

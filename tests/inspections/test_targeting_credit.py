"""Credit grades in targeting (分级分类监管): the policy's factor for the enterprise's grade
stretches or shortens its risk level's interval, at each grade's boundary; the reason and the
policy version are recorded; a new version and a grade lowered by credit scoring change the
outcome; the administrator adds a version on the targeting-rules screen, bad input refused."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.credit import scoring
from safeloop.credit import services as credit_services
from safeloop.credit.models import CreditRecord
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import services
from safeloop.inspections.choices import PlanKind, Reason, VisitState
from safeloop.inspections.models import PlanTarget, RiskFrequency, TargetingPolicy, Visit
from safeloop.orgs.roles import REGULATORS, Role
from safeloop.risks.models import EnterpriseRiskProfile
from tests.conftest import valid_uscc
from tests.scope import ROLES

# A fourth-quarter plan; every visit below is in 2026, so the coverage rule never chooses.
PERIOD = (date(2026, 10, 1), date(2026, 12, 31))
TODAY = date(2026, 10, 1)
URL = "/inspections/policy/"


def plan(world):
    return services.create_plan(
        actor=world.user(Role.CITY_ADMIN),
        title="2026年第四季度综合督查",
        kind=PlanKind.COMPREHENSIVE,
        region=world.city,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )


def targets(world, the_plan=None):
    the_plan = the_plan or plan(world)
    services.generate_targets(plan=the_plan, actor=world.user(Role.CITY_ADMIN), today=TODAY)
    return {t.enterprise_id: t for t in PlanTarget.objects.filter(plan=the_plan)}


def yellow(world, serial, grade=None, last_visit=None):
    """A yellow (6-month) enterprise with a credit grade (None: no credit record)."""
    e = Enterprise.objects.create(
        name=f"信用企业{serial}", uscc=valid_uscc("640104", 500 + serial), region=world.county
    )
    EnterpriseRiskProfile.objects.create(enterprise=e, level="yellow")
    if grade:
        CreditRecord.objects.create(
            enterprise=e, subject="enterprise", key="e", name=e.name, score=0, grade=grade
        )
    if last_visit:
        visited_on(world, e, last_visit)
    return e


def visited_on(world, e, day):
    Visit.objects.create(
        plan=plan(world),
        enterprise=e,
        inspector=world.user(Role.GRID_INSPECTOR),
        scheduled_on=day,
        state=VisitState.SUBMITTED,
        submitted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 12)),
    )


@pytest.fixture
def policy(db):
    return TargetingPolicy.objects.get()  # the default loaded by the data migration


def test_the_default_factors_are_data_with_their_source(policy):
    assert policy.credit_factors() == {
        "A": Decimal("1.50"),
        "B": Decimal("1.00"),
        "C": Decimal("0.75"),
        "D": Decimal("0.50"),
    }
    assert "《关于加强安全生产领域信用体系建设的意见》" in policy.credit_source
    assert "分级分类监管" in policy.credit_source
    assert "本平台默认值" in policy.credit_source


# Yellow is every 6 months: A ×1.5 → 9, B → 6, C ×0.75 → 4.5 rounded to 5, D ×0.5 → 3.
# Due when the last visit plus the interval falls on or before the plan's last day (12-31).
@pytest.mark.parametrize(
    "grade,due_day,not_due_day,months",
    [
        ("A", date(2026, 3, 31), date(2026, 4, 1), 9),
        ("B", date(2026, 6, 30), date(2026, 7, 1), 6),
        (None, date(2026, 6, 30), date(2026, 7, 1), 6),
        ("C", date(2026, 7, 31), date(2026, 8, 1), 5),
        ("D", date(2026, 9, 30), date(2026, 10, 1), 3),
    ],
)
def test_each_grade_changes_the_interval_at_its_boundary(
    world, policy, grade, due_day, not_due_day, months
):
    due = yellow(world, 1, grade, due_day)
    waits = yellow(world, 2, grade, not_due_day)
    chosen = targets(world)
    assert waits.pk not in chosen
    assert Reason.FREQUENCY in chosen[due.pk].reasons
    assert f"每{months}个月至少检查一次" in chosen[due.pk].reason_text
    assert (Reason.CREDIT in chosen[due.pk].reasons) == (grade in ("C", "D"))


def test_a_low_grade_gives_the_credit_reason_and_its_sentence(world, policy):
    d = yellow(world, 1, "D", date(2026, 8, 1))  # 6 months would wait until February
    target = targets(world)[d.pk]
    assert target.reasons == [Reason.FREQUENCY, Reason.CREDIT]
    assert "信用等级D级，检查频次提高（每6个月改为每3个月）" in target.reason_text
    assert "信用等级低，提高检查频次" in target.reason_labels()
    assert target.visits_planned == 1


def test_a_good_grade_says_the_interval_was_relaxed(world, policy):
    a = yellow(world, 1, "A", date(2026, 3, 1))
    target = targets(world)[a.pk]
    assert target.reasons == [Reason.FREQUENCY]
    assert "每9个月至少检查一次（信用等级A级，由每6个月放宽）" in target.reason_text


def test_no_credit_record_counts_as_grade_b(world, policy):
    policy.credit_factor_b = Decimal("0.50")
    policy.save()
    e = yellow(world, 1, None, date(2026, 8, 1))
    target = targets(world)[e.pk]
    assert "尚无信用记录，按B级，检查频次提高（每6个月改为每3个月）" in target.reason_text


def test_the_interval_is_never_below_a_month(world, policy):
    RiskFrequency.objects.filter(policy=policy, level="yellow").update(months=1)
    e = yellow(world, 1, "D", date(2026, 11, 30))
    target = targets(world)[e.pk]
    assert "每1个月至少检查一次" in target.reason_text
    assert Reason.CREDIT not in target.reasons  # 1 × 0.5 is still one month


def test_the_plan_records_the_policy_version_and_a_new_version_changes_the_outcome(world, policy):
    c = yellow(world, 1, "C", date(2026, 8, 1))  # C: 5 months → next January
    first = plan(world)
    assert c.pk not in targets(world, first)
    first.refresh_from_db()
    assert first.policy == policy

    newer = services.add_targeting_policy(
        actor=world.user(Role.CITY_ADMIN),
        effective_from=timezone.localdate(),
        source="市应急管理局2026年第12次局务会",
        credit_factor_a=Decimal("1.5"),
        credit_factor_b=Decimal("1"),
        credit_factor_c=Decimal("0.5"),
        credit_factor_d=Decimal("0.5"),
        credit_source=policy.credit_source,
    )
    second = plan(world)
    chosen = targets(world, second)
    assert "信用等级C级，检查频次提高（每6个月改为每3个月）" in chosen[c.pk].reason_text
    second.refresh_from_db()
    assert second.policy == newer
    first.refresh_from_db()
    assert first.policy == policy  # the earlier plan keeps its version
    # the version carried the rest over, frequencies included
    assert newer.frequencies() == policy.frequencies()
    assert newer.coverage_cycle_months == policy.coverage_cycle_months


def test_a_grade_lowered_by_credit_scoring_makes_the_enterprise_due(world, policy):
    e = yellow(world, 1, None, date(2026, 8, 1))
    scoring.run(timezone.localdate(), e.pk)
    assert CreditRecord.objects.get(enterprise=e, key="e").grade == "A"
    assert e.pk not in targets(world)  # A: every 9 months

    for kind in ("penalty_multiple", "unlicensed"):  # −30 each
        credit_services.record_event(
            actor=None,
            kind=kind,
            enterprise=e,
            source="enforcement.penaltydecision",
            source_id=7,
            summary="测试处罚",
        )
    scoring.run(timezone.localdate(), e.pk)
    assert CreditRecord.objects.get(enterprise=e, key="e").grade == "D"
    target = targets(world)[e.pk]
    assert Reason.CREDIT in target.reasons
    assert "信用等级D级，检查频次提高" in target.reason_text


def test_the_reason_is_in_the_export_and_the_api(world, client, policy):
    d = yellow(world, 1, "D", date(2026, 8, 1))
    the_plan = plan(world)
    targets(world, the_plan)
    client.force_login(world.user(Role.CITY_ADMIN))
    api = client.get(f"/api/v1/inspection-plans/{the_plan.pk}/targets/").json()
    rows = api["results"] if isinstance(api, dict) else api
    row = next(r for r in rows if r["enterprise"] == d.pk)
    assert "credit" in row["reasons"]
    assert "信用等级D级，检查频次提高" in row["reason_text"]
    page = client.get(f"/inspections/plans/{the_plan.pk}/").content.decode()
    assert "信用等级低，提高检查频次" in page and "信用等级D级，检查频次提高" in page
    export = client.get(f"/inspections/plans/{the_plan.pk}/targets.xlsx")
    assert export.status_code == 200


# ---------------------------------------------------------------- the screen

GOOD = {
    "credit_factor_a": "1.25",
    "credit_factor_b": "1",
    "credit_factor_c": "0.8",
    "credit_factor_d": "0.4",
    "credit_source": "《关于加强安全生产领域信用体系建设的意见》，本市分级分类监管办法",
    "source": "市应急管理局2026年第12次局务会",
}


def good(**changes):
    return {"effective_from": timezone.localdate().isoformat(), **GOOD, **changes}


@pytest.mark.parametrize("role", ROLES)
def test_the_rules_screen_is_for_regulators(world, client, policy, role):
    client.force_login(world.users[role])
    response = client.get(URL)
    assert response.status_code == (200 if role in REGULATORS else 403)
    if response.status_code == 200:
        html = response.content.decode()
        assert "信用等级" in html and "A ×1.5" in html
        assert ('id="policy-form"' in html) == (role in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_city_and_system_administrators_add_a_version(world, client, policy, role):
    client.force_login(world.users[role])
    response = client.post(URL, good())
    expected = 302 if role in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN) else 403
    assert response.status_code == expected
    assert TargetingPolicy.objects.count() == (2 if expected == 302 else 1)


def test_the_administrator_adds_a_version_never_editing_the_one_in_force(world, client, policy):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(URL, good())
    assert response.status_code == 302
    newer = TargetingPolicy.current()
    assert newer.pk != policy.pk
    assert newer.credit_factors() == {
        "A": Decimal("1.25"),
        "B": Decimal("1.00"),
        "C": Decimal("0.80"),
        "D": Decimal("0.40"),
    }
    assert newer.frequencies() == policy.frequencies()
    old = TargetingPolicy.objects.get(pk=policy.pk)
    assert old.credit_factor_d == Decimal("0.50")  # unchanged
    assert AuditEntry.objects.filter(action="inspections.policy.add").count() == 1
    html = client.get(URL).content.decode()
    assert "A ×1.25" in html and "A ×1.5" in html  # both versions listed


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("credit_factor_d", "-0.5", "系数不得小于0.1"),
        ("credit_factor_d", "0", "系数不得小于0.1"),
        ("credit_factor_a", "1000", "系数不得大于4"),
        ("credit_factor_a", "4.5", "系数不得大于4"),
        ("credit_factor_c", "abc", "请输入数字"),
        ("credit_factor_b", "", "该字段是必填项"),
        ("source", "   ", ""),
        ("credit_source", "   ", ""),
        ("effective_from", "2020-01-01", "新版本只能自今日或以后生效"),
    ],
)
def test_bad_input_is_a_chinese_field_error_and_changes_nothing(
    world, client, policy, field, value, message
):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(URL, good(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'class="field has-error" data-field="{field}"' in html
    assert message in html
    assert TargetingPolicy.objects.count() == 1


def test_a_second_version_on_the_same_day_is_refused(world, client, policy):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.post(URL, good()).status_code == 302
    response = client.post(URL, good(credit_factor_d="0.3"))
    assert response.status_code == 400
    assert "已有同日生效的版本" in response.content.decode()
    assert TargetingPolicy.objects.count() == 2

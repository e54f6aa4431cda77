"""Risk-based target selection: each rule chooses the enterprises it should, records why, and
a plan reaches only the enterprises of its region."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeloop.accidents import services as accident_services
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards import services as hazard_services
from safeloop.hazards.models import Hazard
from safeloop.inspections import services
from safeloop.inspections.choices import PlanKind, PlanState, Reason, VisitState
from safeloop.inspections.models import PlanTarget, RiskFrequency, TargetingPolicy, Visit
from safeloop.orgs.roles import Role
from safeloop.risks.models import EnterpriseRiskProfile
from tests.conftest import valid_uscc

TODAY = date(2026, 3, 15)


def quarter_plan(world, quarter: int, region=None):
    start = date(2026, 3 * quarter - 2, 1)
    end = (date(2026, 3 * quarter, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return services.create_plan(
        actor=world.user(Role.CITY_ADMIN),
        title=f"2026年第{quarter}季度综合督查",
        kind=PlanKind.COMPREHENSIVE,
        region=region or world.city,
        period_start=start,
        period_end=end,
    )


def targets(world, plan):
    services.generate_targets(plan=plan, actor=world.user(Role.CITY_ADMIN), today=TODAY)
    return {t.enterprise_id: t for t in PlanTarget.objects.filter(plan=plan)}


def enterprise(world, serial, level="", **fields):
    e = Enterprise.objects.create(
        name=f"企业{serial}", uscc=valid_uscc("640104", 100 + serial), region=world.county, **fields
    )
    if level:
        EnterpriseRiskProfile.objects.create(enterprise=e, level=level)
    return e


def visited(world, e, days_ago):
    plan = quarter_plan(world, 1)
    Visit.objects.create(
        plan=plan,
        enterprise=e,
        inspector=world.user(Role.GRID_INSPECTOR),
        scheduled_on=TODAY,
        state=VisitState.SUBMITTED,
        submitted_at=timezone.make_aware(
            timezone.datetime.combine(
                TODAY - timedelta(days=days_ago), timezone.datetime.min.time()
            )
        ),
    )


@pytest.fixture(autouse=True)
def policy(db):
    return TargetingPolicy.objects.get()  # the default loaded by the data migration


def test_the_default_frequencies_are_data(policy):
    assert dict(RiskFrequency.objects.values_list("level", "months")) == {
        "red": 1,
        "orange": 3,
        "yellow": 6,
        "blue": 12,
    }


def test_a_red_enterprise_is_due_every_month_with_the_reason(world):
    red = enterprise(world, 1, "red")
    chosen = targets(world, quarter_plan(world, 1))
    assert Reason.FREQUENCY in chosen[red.pk].reasons
    assert chosen[red.pk].visits_planned == 3
    assert "红色" in chosen[red.pk].reason_text and "每1个月" in chosen[red.pk].reason_text


def test_an_orange_enterprise_visited_last_month_waits(world):
    orange = enterprise(world, 2, "orange")
    visited(world, orange, 30)
    assert orange.pk not in targets(world, quarter_plan(world, 1))
    assert orange.pk in targets(world, quarter_plan(world, 2))  # three months on


def test_the_frequency_is_read_from_the_policy(world, policy):
    orange = enterprise(world, 2, "orange")
    visited(world, orange, 30)
    RiskFrequency.objects.filter(policy=policy, level="orange").update(months=1)
    chosen = targets(world, quarter_plan(world, 1))
    assert chosen[orange.pk].reasons == [Reason.FREQUENCY]


def test_never_visited_blue_enterprises_are_spread_over_the_year(world):
    blues = [enterprise(world, n, "blue") for n in range(1, 9)]
    per_quarter = []
    for quarter in (1, 2, 3):
        chosen = targets(world, quarter_plan(world, quarter))
        per_quarter.append({e.pk for e in blues if e.pk in chosen})
    assert all(len(s) == 2 for s in per_quarter)
    assert not set.intersection(*per_quarter)


def test_the_last_quarter_covers_everyone_not_yet_visited(world):
    blues = [enterprise(world, n, "blue") for n in range(1, 9)]
    visited(world, blues[0], 10)
    chosen = targets(world, quarter_plan(world, 4))
    for e in blues[1:]:
        assert Reason.COVERAGE in chosen[e.pk].reasons
        assert "尚未检查" in chosen[e.pk].reason_text
    assert blues[0].pk not in chosen


def test_overdue_hidden_dangers_always_include_the_enterprise(world):
    e = enterprise(world, 3, "blue")
    visited(world, e, 10)
    hazard, _ = hazard_services.register(
        actor=world.user(Role.COUNTY_INSPECTOR),
        enterprise=e,
        deadline=timezone.localdate() + timedelta(days=5),
        level="general",
        source="1",
        category="1",
        place="车间",
        description="通道堵塞",
    )
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - timedelta(days=3))
    chosen = targets(world, quarter_plan(world, 2))
    assert chosen[e.pk].reasons == [Reason.OVERDUE_HAZARD]
    assert "1项事故隐患逾期未整改" in chosen[e.pk].reason_text


def test_an_expired_licence_always_includes_the_enterprise(world):
    e = enterprise(world, 4, "blue")
    visited(world, e, 10)
    Licence.objects.create(
        enterprise=e,
        kind="safety_production",
        number="(宁)WH安许证字[2020]001",
        authority="宁夏应急管理厅",
        valid_from=date(2020, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    chosen = targets(world, quarter_plan(world, 2))
    assert chosen[e.pk].reasons == [Reason.EXPIRED_LICENCE]
    Licence.objects.create(
        enterprise=e,
        kind="safety_production",
        number="(宁)WH安许证字[2026]001",
        authority="宁夏应急管理厅",
        valid_from=date(2026, 1, 1),
        valid_to=date(2028, 12, 31),
    )
    assert e.pk not in targets(world, quarter_plan(world, 2))


def test_a_plan_reaches_only_its_region_and_live_enterprises(world):
    closed = enterprise(world, 5, "red", status="closed")
    red = enterprise(world, 6, "red")
    EnterpriseRiskProfile.objects.create(enterprise=world.outside, level="red")
    chosen = targets(world, quarter_plan(world, 4, region=world.county))
    assert red.pk in chosen and world.inside.pk in chosen
    assert closed.pk not in chosen
    assert world.sibling.pk not in chosen and world.outside.pk not in chosen


def test_assignment_goes_by_grid_balances_and_excludes_advisers(world):
    from safeloop.orgs.models import RoleAssignment
    from tests.conftest import make_user

    second = make_user("grid2", Role.GRID_INSPECTOR, grid=world.grid)
    adviser = world.user(Role.GRID_INSPECTOR)
    in_grid = [enterprise(world, n, "red", park=world.park, grid=world.grid) for n in range(10, 14)]
    RoleAssignment.objects.create(user=adviser, role=Role.EXPERT, enterprise=in_grid[0])
    plan = quarter_plan(world, 1, region=world.county)
    targets(world, plan)
    created, unassigned = services.assign(plan=plan, actor=world.user(Role.COUNTY_ADMIN))
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED and created > 0
    visits = Visit.objects.filter(plan=plan)
    assert not visits.filter(enterprise=in_grid[0], inspector=adviser).exists()
    grid_visits = visits.filter(enterprise__grid=world.grid)
    loads = [grid_visits.filter(inspector=u).count() for u in (adviser, second)]
    assert abs(loads[0] - loads[1]) <= 3 + 1  # balanced within one enterprise's visits
    # outside the grid, the county inspector takes them
    county = visits.exclude(enterprise__grid=world.grid)
    assert set(county.values_list("inspector", flat=True)) <= {world.user(Role.COUNTY_INSPECTOR).pk}
    assert all(plan.period_start <= v.scheduled_on <= plan.period_end for v in visits)


def test_an_accident_this_year_always_includes_the_enterprise(world):
    e = enterprise(world, 7, "blue")
    visited(world, e, 10)
    accident_services.record(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=e,
        occurred_at=timezone.now() - timedelta(days=1),
        place="车间",
        summary="机械伤害一人轻伤",
        minor_injuries=1,
    )
    chosen = targets(world, quarter_plan(world, 2))
    assert chosen[e.pk].reasons == [Reason.ACCIDENT]
    assert "本年度发生生产安全事故" in chosen[e.pk].reason_text

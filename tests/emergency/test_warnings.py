"""The emergency app's gaps reach the alerts app: expiring stock and unconfirmed
availability raise early warnings by the emergency rule in force (rules as data, once per
stock and expiry, once per confirmation); preparedness gaps put enterprises on the key units
list with the reason in words and warn of gaps that began lately, without flooding a first
run."""

from datetime import timedelta

from django.utils import timezone

from safeloop.alerts import keyunits
from safeloop.alerts import selectors as alerts
from safeloop.alerts.choices import KeyReason, RuleCode
from safeloop.alerts.demo import ensure_rules
from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.core.models import Notification
from safeloop.emergency import plan_services, services
from safeloop.emergency.choices import Availability, ResourceKind
from safeloop.emergency.models import Plan, Resource, StockType
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from tests.conftest import valid_uscc


def rule(code, **changes):
    ensure_rules()
    found = WarningRule.objects.get(code=code)
    for name, value in changes.items():
        setattr(found, name, value)
    found.save()
    return found


def warned(code):
    return EarlyWarning.objects.filter(rule__code=code)


def test_it_warns_of_expiring_stock_by_the_emergency_rule_once(world, make_resource):
    actor = world.user(Role.COUNTY_ADMIN)
    warehouse = make_resource(kind=ResourceKind.WAREHOUSE, name="区仓库", team_kind="")
    today = timezone.localdate()
    soon = services.add_stock(
        actor=actor,
        warehouse=warehouse,
        stock_type=StockType.objects.get(code="MED-01"),
        quantity=3,
        expires_on=today + timedelta(days=5),
    )
    services.add_stock(
        actor=actor,
        warehouse=warehouse,
        stock_type=StockType.objects.get(code="PPE-01"),
        quantity=3,
        expires_on=today + timedelta(days=365),
    )
    stock_rule = rule(RuleCode.STOCK_EXPIRY)
    assert evaluate(stock_rule)["raised"] == 1
    warning = warned(RuleCode.STOCK_EXPIRY).get()
    assert warning.subject_id == soon.pk and warning.region_code == world.county.code
    assert "剩余 5 天" in warning.reason and warning.link == f"/emergency/resources/{warehouse.pk}/"
    assert Notification.objects.filter(recipient=actor, kind="warning").exists()
    assert evaluate(stock_rule)["raised"] == 0  # a repeated run raises nothing twice
    # The days are the emergency rule's data: a newer version widens the window.
    services.add_rule(
        actor=world.user(Role.CITY_ADMIN),
        expiry_warning_days=400,
        confirm_within_days=30,
        city_grades=["major", "extraordinary"],
        effective_from=today,
        source="测试",
    )
    assert evaluate(stock_rule)["raised"] == 1
    # scope: the county sees them, a user without a role does not
    assert alerts.warnings_for(actor).filter(rule=stock_rule).count() == 2
    other = world.user(Role.COUNTY_INSPECTOR)
    assert alerts.warnings_for(other).filter(rule=stock_rule).count() == 2
    assert not alerts.warnings_for(world.users[None]).exists()


def test_it_warns_of_unconfirmed_availability_again_after_each_lapse(world, make_resource):
    stale = make_resource(name="久未确认的队")
    make_resource(name="刚确认的队")
    retired = make_resource(name="已停用的队")
    long_ago = timezone.now() - timedelta(days=31)
    Resource.objects.filter(pk__in=[stale.pk, retired.pk]).update(confirmed_at=long_ago)
    Resource.objects.filter(pk=retired.pk).update(availability=Availability.UNAVAILABLE)
    unconfirmed = rule(RuleCode.RESOURCE_UNCONFIRMED)
    assert evaluate(unconfirmed)["raised"] == 1
    warning = warned(RuleCode.RESOURCE_UNCONFIRMED).get()
    assert warning.subject_id == stale.pk and "31 天未确认" in warning.reason
    assert evaluate(unconfirmed)["raised"] == 0
    stale.refresh_from_db()
    services.confirm_availability(
        actor=world.user(Role.COUNTY_ADMIN),
        resource=stale,
        version=stale.version,
        availability=Availability.AVAILABLE,
    )
    assert evaluate(unconfirmed)["raised"] == 0  # confirmed now
    Resource.objects.filter(pk=stale.pk).update(confirmed_at=long_ago - timedelta(days=1))
    assert evaluate(unconfirmed)["raised"] == 1  # a new lapse is a new warning
    assert evaluate(rule(RuleCode.RESOURCE_UNCONFIRMED, enabled=False))["raised"] == 0


def test_it_lists_preparedness_gaps_among_key_units_with_the_reason(world, make_plan):
    today = timezone.localdate()
    plan = make_plan(kind="onsite")  # filed today, never drilled
    lapsed = make_plan(enterprise=world.sibling)
    Plan.objects.filter(pk=lapsed.pk).update(revise_by=today - timedelta(days=3))
    units = alerts.key_units(Enterprise.objects.all())
    reasons = {e.pk: {code for code, _label in alerts.reasons_of(e)} for e in units}
    assert reasons[world.inside.pk] == {KeyReason.UNDRILLED}
    assert reasons[world.sibling.pk] == {KeyReason.NO_PLAN}
    assert world.outside.pk not in reasons  # never filed a plan
    # the reason is in words, with a link to the enterprise's plans
    row = alerts.key_units(Enterprise.objects.filter(pk=world.sibling.pk)).get()
    assert [str(label) for _code, label in alerts.reasons_of(row)] == [str(KeyReason.NO_PLAN.label)]
    assert alerts.reason_link(KeyReason.NO_PLAN, world.sibling.pk).startswith("/emergency/")
    keyunits.refresh(today)
    counts = alerts.key_unit_counts(Enterprise.objects.all())
    assert counts[KeyReason.UNDRILLED] == 1 and counts[KeyReason.NO_PLAN] == 1
    # a county sees its own
    county = world.user(Role.COUNTY_INSPECTOR)
    assert set(alerts.key_units(county).values_list("pk", flat=True)) == {world.inside.pk}
    # a drill held closes the gap
    manager = world.user(Role.SAFETY_MANAGER)
    drill = plan_services.plan_drill(
        actor=manager, plan=plan, scenario="泄漏", mode="live", planned_on=today
    )
    plan_services.hold_drill(
        actor=manager, drill=drill, version=drill.version, held_on=today, participants=6
    )
    assert not alerts.key_units(Enterprise.objects.filter(pk=world.inside.pk)).exists()
    # an enterprise that never filed a plan is listed only when the rule says so
    rule(RuleCode.PREPAREDNESS, params={"within_days": 30, "include_never": True})
    assert alerts.key_units(Enterprise.objects.filter(pk=world.outside.pk)).exists()


def test_it_warns_of_recent_preparedness_gaps_without_flooding(world, make_plan):
    today = timezone.localdate()
    make_plan(kind="comprehensive")  # inside: filed today, undrilled since today
    recent = make_plan(enterprise=world.sibling)
    Plan.objects.filter(pk=recent.pk).update(revise_by=today - timedelta(days=3))
    old = make_plan(enterprise=world.outside)
    Plan.objects.filter(pk=old.pk).update(revise_by=today - timedelta(days=400))
    never = Enterprise.objects.create(
        name="从未备案企业", uscc=valid_uscc("640104", 7), region=world.county
    )
    gaps = rule(RuleCode.PREPAREDNESS)
    assert evaluate(gaps)["raised"] == 2  # the long-lapsed and the never-filed are not warned
    found = {w.enterprise_id: w for w in warned(RuleCode.PREPAREDNESS)}
    assert set(found) == {world.inside.pk, world.sibling.pk}
    assert "未按期演练" in found[world.inside.pk].reason
    assert str(today - timedelta(days=3)) in found[world.sibling.pk].reason
    assert found[world.sibling.pk].period == f"no_plan:{today - timedelta(days=2)}"
    assert evaluate(gaps)["raised"] == 0
    staff = world.user(Role.SAFETY_MANAGER)
    assert Notification.objects.filter(recipient=staff, kind="warning").count() == 1
    gaps = rule(RuleCode.PREPAREDNESS, params={"within_days": 30, "include_never": True})
    evaluate(gaps)
    assert warned(RuleCode.PREPAREDNESS).filter(enterprise=never).exists()
    assert not warned(RuleCode.PREPAREDNESS).filter(enterprise=world.outside).exists()

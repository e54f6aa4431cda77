"""Missing hours and lapsing certificates: judged by the statutory-hours rule in force (a
new version changes the verdict from its day), raised as early warnings once per enterprise
and year or certificate end date without flooding a first run, and listed among the key
units with the reason in words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.alerts import keyunits
from safeloop.alerts import selectors as alerts
from safeloop.alerts.choices import KeyReason, RuleCode
from safeloop.alerts.demo import ensure_rules as ensure_warning_rules
from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.training import selectors, services
from safeloop.training.choices import Post

pytestmark = pytest.mark.django_db


def gap_rule(**params):
    ensure_warning_rules()
    rule = WarningRule.objects.get(code=RuleCode.TRAINING_GAP)
    rule.params = {"include_never": False, **params}
    rule.save()
    return rule


def test_it_counts_nobody_short_until_the_enterprise_records_training(world, people):
    today = timezone.localdate()
    assert selectors.short_people(today, include_never=False) == []
    never = selectors.short_people(today, include_never=True)
    assert {(s.post, s.name) for s in never} == {
        (Post.PRINCIPAL, "张主任"),
        (Post.SAFETY_MANAGER, "李安全"),
    }  # the special operators' renewal is by review, not annual hours


def test_it_judges_hours_by_the_rule_in_force(world, people, train):
    today = timezone.localdate()
    train(post="principal", person_name="", hours=12)
    train(post="safety_manager", safety_manager=people["manager"], person_name="", hours=8)
    train(
        post="safety_manager",
        safety_manager=people["manager"],
        person_name="",
        hours=6,
        days_ago=400,
    )  # outside the last 365 days
    short = selectors.short_people(today, include_never=False)
    assert [(s.name, s.hours, s.required) for s in short] == [("李安全", 8, 12)]
    services.add_rule(
        actor=world.user(Role.CITY_ADMIN),
        post="principal",
        initial_hours=48,
        refresher_hours=16,
        effective_from=today,
        source="金属冶炼单位（测试）",
    )
    short = selectors.short_people(today, include_never=False)
    assert {s.name for s in short} == {"李安全", "张主任"}
    yesterday = selectors.short_people(today - timedelta(days=1), include_never=False)
    assert {s.name for s in yesterday} == {"李安全"}  # the old version judged its own days


def test_it_warns_once_per_year_and_certificate_without_flooding(world, people, train):
    today = timezone.localdate()
    train(post="principal", person_name="", hours=4)
    manager = people["manager"]
    manager.certificate_valid_to = today + timedelta(days=20)
    manager.save()
    rule = gap_rule()
    first = evaluate(rule)
    assert first["raised"] == 2  # hours of the year, and the certificate
    warnings = EarlyWarning.objects.filter(rule__code=RuleCode.TRAINING_GAP)
    reasons = sorted(w.reason for w in warnings)
    assert any("学时不足" in r and "张主任（4/12 学时）" in r for r in reasons)
    assert any("李安全的安全生产知识和管理能力考核合格证将于" in r for r in reasons)
    assert all(w.enterprise_id == world.inside.pk for w in warnings)
    assert evaluate(rule)["raised"] == 0  # a repeated run raises nothing twice
    # a renewed certificate on a training record ends the lapse
    train(
        post="safety_manager",
        safety_manager=manager,
        person_name="",
        hours=12,
        certificate_number="SM-0002",
        certificate_valid_to=today + timedelta(days=1000),
    )
    assert selectors.lapsing_certificates(today) == []


def test_it_lists_key_units_with_the_reason_in_words(world, people, train):
    today = timezone.localdate()
    gap_rule()
    train(post="other", hours=24)  # the enterprise has started recording
    units = alerts.key_units(Enterprise.objects.all(), reasons=[KeyReason.TRAINING_GAP])
    row = units.get()
    assert row.pk == world.inside.pk
    labels = dict(alerts.reasons_of(row))
    assert KeyReason.TRAINING_GAP.value in labels
    assert alerts.reason_link(KeyReason.TRAINING_GAP, row.pk) == (
        f"/training/enterprises/{row.pk}/"
    )
    keyunits.refresh(today)
    counts = alerts.key_unit_counts(Enterprise.objects.all())
    assert counts[KeyReason.TRAINING_GAP] == 1
    train(post="principal", person_name="", hours=12)
    train(post="safety_manager", safety_manager=people["manager"], person_name="", hours=12)
    assert not alerts.key_units(Enterprise.objects.all(), reasons=[KeyReason.TRAINING_GAP]).exists()

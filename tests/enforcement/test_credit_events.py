"""Enforcement decisions become credit events (credit/signals.py): a penalty decision, a 2–5×
fine (which also proposes a listing), an approved measure against an enterprise or a named
person; none for a department; none when the decision rolls back; one however often sent."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from safeloop.credit.choices import EventKind
from safeloop.credit.demo import ensure_rules
from safeloop.credit.models import CreditEvent, CreditRecord, CreditRule, Listing
from safeloop.enforcement import selectors, services, signals
from safeloop.enforcement.models import LegalBasis, PenaltyCase, Sanction
from safeloop.enterprises.models import SafetyManager
from safeloop.orgs.roles import Role


@pytest.fixture(autouse=True)
def credit_rules(world):
    ensure_rules()
    world.inside.principal = "张主任"
    world.inside.save()
    return SafetyManager.objects.create(enterprise=world.inside, name="李安全")


def multiple_basis(world):
    from safeloop.enforcement.choices import PenaltyGround

    found = LegalBasis.objects.filter(code="aqsf-114-2").first()
    return found or services.add_legal_basis(
        actor=world.user(Role.SYSTEM_ADMIN),
        code="aqsf-114-2",
        title="安全生产法第一百一十四条第二款",
        offence="情节特别严重、影响特别恶劣",
        fine_min=600000,
        fine_max=100000000,
        effective_from=timezone.localdate() - timedelta(days=400),
        source="安全生产法（2021年修正）",
        ground=PenaltyGround.MULTIPLE,
    )


def notified_case(world, hazard, basis, fine):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    case = services.file_case(actor=inspector, hazard=hazard, facts="未采取措施消除事故隐患")
    case = services.investigate_case(actor=inspector, case=case, version=1)
    return services.notify_case(
        actor=inspector, case=case, version=2, findings="属实", basis=basis, fine=fine
    )


def record(world, key="e"):
    return CreditRecord.objects.get(enterprise=world.inside, key=key)


def rule(kind):
    return CreditRule.in_force()[kind]


def test_a_penalty_decision_is_an_event_on_the_enterprise_with_the_rule_points(world, hazard):
    case = notified_case(world, hazard, LegalBasis.objects.get(code="aqsf-102"), "20000")
    case = services.decide_case(actor=world.user(Role.COUNTY_ADMIN), case=case, version=3)
    event = CreditEvent.objects.get(source="enforcement.penaltycase", source_id=case.pk)
    points = rule(EventKind.PENALTY_DECISION).points
    assert event.kind == EventKind.PENALTY_DECISION and event.record.key == "e"
    assert event.points == points and case.decision_number in event.summary
    firm = record(world)
    assert firm.score == 100 + points and firm.live_events == 1
    assert firm.grade == "A"  # 90: the lowest score of grade A under the default bands
    assert not CreditEvent.objects.filter(record__key="p").exists()  # the rule charges no person
    # sent again (a repeated signal): still one event
    signals.decided.send(sender=PenaltyCase, decision=selectors.decision_of_case(case))
    assert CreditEvent.objects.filter(source="enforcement.penaltycase").count() == 1


def test_a_fine_of_two_to_five_times_is_charged_to_the_persons_and_proposes_a_listing(
    world, hazard, credit_rules
):
    case = notified_case(world, hazard, multiple_basis(world), "1200000")
    services.decide_case(actor=world.user(Role.COUNTY_ADMIN), case=case, version=3)
    events = CreditEvent.objects.filter(source="enforcement.penaltycase", source_id=case.pk)
    assert {(e.record.key, e.kind) for e in events} == {
        ("e", EventKind.PENALTY_MULTIPLE),
        ("p", EventKind.PENALTY_MULTIPLE),
        (f"m{credit_rules.pk}", EventKind.PENALTY_MULTIPLE),
    }
    firm = record(world)
    assert firm.score == 100 + rule(EventKind.PENALTY_MULTIPLE).points
    assert firm.grade == "C"  # 70 under the default bands
    listing = Listing.objects.get(enterprise=world.inside)
    assert listing.trigger == "penalty_multiple" and listing.state == "proposed"


def test_a_rolled_back_decision_leaves_no_event(world, hazard):
    case = notified_case(world, hazard, LegalBasis.objects.get(code="aqsf-102"), "20000")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.decide_case(actor=world.user(Role.COUNTY_ADMIN), case=case, version=3)
        assert CreditEvent.objects.filter(source="enforcement.penaltycase").exists()
        raise RuntimeError("the deciding transaction fails")
    case.refresh_from_db()
    assert case.state == "notified" and case.decision_number == ""
    assert not CreditEvent.objects.filter(source="enforcement.penaltycase").exists()


def draft(world, **fields):
    fields.setdefault("kind", "criticism")
    fields.setdefault("target_kind", "enterprise")
    fields.setdefault("enterprise", world.inside)
    return services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        reason="重大隐患逾期未整改",
        approval_level="county",
        **fields,
    )


def approve(world, sanction):
    return services.approve_sanction(
        actor=world.user(Role.COUNTY_ADMIN), sanction=sanction, version=sanction.version
    )


def test_an_approved_measure_is_a_sanction_event_on_the_right_record(
    world, departments, credit_rules
):
    points = rule(EventKind.SANCTION).points
    against_firm = approve(world, draft(world))
    against_principal = approve(
        world, draft(world, target_kind="person", person_name="张主任", person_post="总经理")
    )
    against_manager = approve(
        world, draft(world, target_kind="person", person_name="李安全", person_post="安全员")
    )
    against_other = approve(
        world, draft(world, target_kind="person", person_name="王五", person_post="班组长")
    )
    against_department = approve(
        world, draft(world, target_kind="department", department=departments["county"])
    )
    keys = {
        e.source_id: e.record.key
        for e in CreditEvent.objects.filter(source="enforcement.sanction", kind="sanction")
    }
    assert keys == {
        against_firm.pk: "e",
        against_principal.pk: "p",
        against_manager.pk: f"m{credit_rules.pk}",
        against_other.pk: "e",
    }
    assert against_department.pk not in keys
    assert record(world).score == 100 + 2 * points
    assert record(world, "p").score == 100 + points
    signals.decided.send(sender=Sanction, decision=selectors.decision_of_sanction(against_firm))
    assert CreditEvent.objects.filter(source="enforcement.sanction").count() == 4


def test_no_rule_in_force_records_nothing_and_the_decision_stands(world, departments):
    CreditRule.objects.filter(kind=EventKind.SANCTION).delete()
    sanction = approve(world, draft(world))
    assert sanction.state == "approved"
    assert not CreditEvent.objects.filter(source="enforcement.sanction").exists()

"""The serious-dishonesty list: each trigger at its boundary, the 12-month window, the whole
lifecycle with the clock moved (notice, objection period, decision, publication, automatic
removal after three years), repair after 12 months and its revocation for fraud."""

from datetime import date

import pytest
from django.utils import timezone

from safeloop.accidents.models import Investigation
from safeloop.core.errors import IllegalMove, Invalid, NotPermitted
from safeloop.credit import services, tasks
from safeloop.credit.models import Listing
from safeloop.orgs.roles import Role

pytestmark = pytest.mark.django_db


def proposed(world):
    return list(Listing.objects.filter(enterprise=world.inside).values_list("trigger", flat=True))


def test_a_major_accident_is_proposed_and_a_serious_one_is_not(world, credit, accident):
    accident("2026-03-01", deaths=3)  # 较大: 3–9 deaths
    services.evaluate(timezone.localdate())
    assert proposed(world) == []
    accident("2026-03-02", deaths=10)  # 重大: 10 or more
    services.evaluate(timezone.localdate())
    assert proposed(world) == ["major_accident"]
    assert Listing.objects.get().state == "proposed"
    # Evaluated again: proposed once.
    services.evaluate(timezone.localdate())
    assert Listing.objects.count() == 1


def test_two_serious_accidents_exactly_twelve_months_apart_trigger(world, credit, accident):
    accident("2025-01-10", deaths=3)
    accident("2026-01-10", deaths=3)
    services.evaluate(timezone.localdate())
    assert proposed(world) == ["serious_accidents"]
    assert "12个月内共2起较大事故" in Listing.objects.get().facts


def test_two_serious_accidents_a_day_more_than_twelve_months_apart_do_not(world, credit, accident):
    accident("2025-01-10", deaths=3)
    accident("2026-01-11", deaths=3)
    services.evaluate(timezone.localdate())
    assert proposed(world) == []
    accident("2026-06-01", deaths=4)  # a third within 12 months of the second
    services.evaluate(timezone.localdate())
    assert proposed(world) == ["serious_accidents"]


def test_concealment_found_by_the_investigation_triggers(world, credit, accident):
    found = accident("2026-03-01", deaths=1)
    investigation = Investigation.objects.create(accident=found, team="调查组")
    services.evaluate(timezone.localdate())
    assert proposed(world) == []
    investigation.concealment = "concealed"
    investigation.save()
    services.evaluate(timezone.localdate())
    assert proposed(world) == ["concealment"]
    assert "瞒报" in Listing.objects.get().facts


def test_an_art_114_fine_recorded_by_enforcement_triggers(world, credit):
    services.record_event(
        actor=None,
        kind="penalty_decision",
        enterprise=world.inside,
        source="enforcement.penaltydecision",
        source_id=1,
    )
    assert proposed(world) == []
    services.record_event(
        actor=None,
        kind="penalty_multiple",
        enterprise=world.inside,
        source="enforcement.penaltydecision",
        source_id=2,
        summary="处上一年年收入三倍罚款",
    )
    assert proposed(world) == ["penalty_multiple"]


def lifecycle_to_listed(world, clock, day="2026-03-02"):
    regulator = world.user(Role.COUNTY_ADMIN)
    clock.set(day)
    listing = services.propose(
        actor=None,
        enterprise=world.inside,
        trigger="major_accident",
        source="accidents.accident",
        source_id=1,
        facts="重大事故",
    )
    listing = services.notify(actor=regulator, listing=listing, version=listing.version)
    assert listing.objection_until == date(2026, 3, 7)
    return regulator, listing


def test_the_listing_lifecycle_with_the_clock_moved(world, credit, clock):
    regulator, listing = lifecycle_to_listed(world, clock)
    party = world.user(Role.ENTERPRISE_PRINCIPAL)
    with pytest.raises(NotPermitted):
        services.decide_list(actor=party, listing=listing, decision_number="X")
    services.object_to(actor=party, listing=listing, objection="事故等级认定有误")
    with pytest.raises(Invalid):  # still inside the objection period
        services.decide_list(
            actor=regulator, listing=listing, decision_number="兴应急信〔2026〕1号"
        )
    clock.set("2026-03-08")
    with pytest.raises(Invalid):  # party may no longer object
        services.object_to(actor=party, listing=listing, objection="补充")
    listing = services.decide_list(
        actor=regulator, listing=listing, decision_number="兴应急信〔2026〕1号"
    )
    assert (listing.state, listing.starts_on, listing.ends_on) == (
        "listed",
        date(2026, 3, 8),
        date(2029, 3, 7),
    )
    listing = services.publish(actor=regulator, listing=listing)
    assert listing.state == "published"
    clock.set("2029-03-07")
    tasks.daily()
    assert Listing.objects.get().state == "published"
    clock.set("2029-03-08")
    tasks.daily()
    listing = Listing.objects.get()
    assert (listing.state, listing.removed_on) == ("removed", date(2029, 3, 8))
    with pytest.raises(IllegalMove):
        services.publish(actor=regulator, listing=listing)


def test_repair_after_twelve_months_and_its_revocation(world, credit, clock):
    regulator, listing = lifecycle_to_listed(world, clock)
    clock.set("2026-03-08")
    listing = services.decide_list(actor=regulator, listing=listing, decision_number="1号")
    listing = services.publish(actor=regulator, listing=listing)
    party = world.user(Role.SAFETY_MANAGER)
    clock.set("2027-03-07")
    with pytest.raises(Invalid) as refused:
        services.apply_repair(actor=party, listing=listing, reasons="已整改", commitment="承诺")
    assert "2027-03-08" in str(refused.value)
    clock.set("2027-03-08")
    repair = services.apply_repair(
        actor=party, listing=listing, reasons="已整改", commitment="承诺"
    )
    assert repair.state == "applied"
    with pytest.raises(NotPermitted):
        services.approve_repair(actor=party, repair=repair)
    repair = services.approve_repair(actor=regulator, repair=repair, decision_note="符合条件")
    listing.refresh_from_db()
    assert (listing.state, listing.removed_on) == ("repaired", date(2027, 3, 8))
    clock.set("2027-05-01")
    repair = services.revoke_repair(actor=regulator, repair=repair, reason="提交的整改材料系伪造")
    listing.refresh_from_db()
    assert (repair.state, listing.state, listing.ends_on, listing.removed_on) == (
        "revoked",
        "published",
        date(2029, 3, 7),
        None,
    )
    clock.set("2029-03-08")
    tasks.daily()
    listing.refresh_from_db()
    assert listing.state == "removed"


def test_a_refused_repair_leaves_the_listing(world, credit, clock):
    regulator, listing = lifecycle_to_listed(world, clock)
    clock.set("2026-03-08")
    listing = services.decide_list(actor=regulator, listing=listing, decision_number="1号")
    clock.set("2027-04-01")
    repair = services.apply_repair(actor=regulator, listing=listing, reasons="r", commitment="c")
    with pytest.raises(Invalid):
        services.apply_repair(actor=regulator, listing=listing, reasons="r", commitment="c")
    with pytest.raises(Invalid):
        services.refuse_repair(actor=regulator, repair=repair, decision_note="")
    services.refuse_repair(actor=regulator, repair=repair, decision_note="整改不到位")
    listing.refresh_from_db()
    assert listing.state == "listed"

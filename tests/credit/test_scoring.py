"""The score: every point is an event with its rule, the full pass and the one-enterprise
pass give the same records, events expire and voided sources stop counting."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeloop.credit import scoring, services
from safeloop.credit.models import CreditEvent, CreditPass, CreditRecord, CreditRule
from safeloop.enterprises.models import Licence
from safeloop.hazards.models import Hazard, HazardEvent

pytestmark = pytest.mark.django_db


def hazard(enterprise, state="rectifying", deadline=None, **extra):
    return Hazard.objects.create(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        state=state,
        level="general",
        source="1",
        category="1",
        place="仓库",
        description="消防通道堵塞",
        deadline=deadline,
        **extra,
    )


def test_it_keeps_a_record_per_enterprise_and_responsible_person(world, credit):
    scoring.run(timezone.localdate())
    keys = set(CreditRecord.objects.filter(enterprise=world.inside).values_list("key", "name"))
    assert keys == {("e", "园区内企业"), ("p", "张主任"), (f"m{credit['manager'].pk}", "李安全")}
    assert set(CreditRecord.objects.values_list("score", "grade")) == {(100, "A")}


def test_it_scores_each_event_from_its_rule_and_traces_it(world, credit, clock):
    clock.set("2026-06-01")
    today = timezone.localdate()
    overdue = hazard(world.inside, deadline=today - timedelta(days=3))
    closed = hazard(world.inside, state="closed", deadline=today)
    HazardEvent.objects.create(
        hazard=closed, move="accept", from_state="awaiting", to_state="closed"
    )
    Licence.objects.create(
        enterprise=world.inside,
        number="L-1",
        authority="应急局",
        valid_from=date(2020, 1, 1),
        valid_to=today - timedelta(days=1),
    )
    scoring.run(today)
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    kinds = dict(record.events.values_list("kind", "points"))
    assert kinds == {"hazard_overdue": -3, "hazard_on_time": 1, "licence_lapsed": -10}
    assert record.score == 100 - 3 + 1 - 10 == sum(kinds.values()) + 100
    assert record.grade == "B"
    event = record.events.get(kind="hazard_overdue")
    assert (event.source, event.source_id) == ("hazards.hazard", overdue.pk)
    assert event.rule == CreditRule.objects.get(kind="hazard_overdue")
    # Persons are not charged for hidden dangers (the rule says so).
    assert CreditRecord.objects.get(enterprise=world.inside, key="p").score == 100
    # Running again adds nothing.
    scoring.run(today)
    assert CreditEvent.objects.count() == 3


def test_it_expires_an_event_after_its_validity(world, credit, clock):
    clock.set("2026-06-01")
    hazard(world.inside, deadline=date(2026, 5, 30))
    scoring.run(timezone.localdate())
    assert CreditRecord.objects.get(enterprise=world.inside, key="e").score == 97
    event = CreditEvent.objects.get()
    assert event.valid_until == date(2027, 5, 31)
    clock.set("2027-05-30")
    scoring.run(timezone.localdate())
    assert CreditRecord.objects.get(enterprise=world.inside, key="e").score == 97
    clock.set("2027-05-31")
    scoring.run(timezone.localdate())
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    assert (record.score, record.live_events) == (100, 0)


def test_the_one_enterprise_pass_touches_only_that_enterprise(world, credit):
    today = timezone.localdate()
    hazard(world.inside, deadline=today - timedelta(days=1))
    hazard(world.outside, deadline=today - timedelta(days=1))
    scoring.run(today, world.inside.pk)
    assert set(CreditRecord.objects.values_list("enterprise_id", flat=True)) == {world.inside.pk}
    assert CreditEvent.objects.get().enterprise_id == world.inside.pk


def test_an_accident_charges_the_enterprise_and_its_people(world, credit, accident):
    accident(timezone.localdate().isoformat(), deaths=1)
    scoring.run(timezone.localdate())
    scores = dict(CreditRecord.objects.filter(enterprise=world.inside).values_list("key", "score"))
    assert scores == {"e": 90, "p": 90, f"m{credit['manager'].pk}": 90}


def test_record_event_is_the_service_other_apps_call(world, credit):
    event = services.record_event(
        actor=None,
        kind="penalty_decision",
        enterprise=world.inside,
        source="enforcement.penaltydecision",
        source_id=7,
        summary="罚款2万元",
    )
    assert event.points == -10
    assert CreditRecord.objects.get(enterprise=world.inside, key="e").score == 90
    again = services.record_event(
        actor=None,
        kind="penalty_decision",
        enterprise=world.inside,
        source="enforcement.penaltydecision",
        source_id=7,
    )
    assert again.pk == event.pk
    services.record_event(
        actor=None,
        kind="sanction",
        enterprise=world.inside,
        person="principal",
        source="enforcement.sanction",
        source_id=3,
    )
    assert CreditRecord.objects.get(enterprise=world.inside, key="p").score == 95


def closing(enterprise, deadline, *, late=False):
    """A hidden danger accepted on its deadline, or three days after it."""
    closed = hazard(enterprise, state="closed", deadline=deadline)
    event = HazardEvent.objects.create(
        hazard=closed, move="accept", from_state="awaiting", to_state="closed"
    )
    at = timezone.make_aware(
        datetime.combine(deadline + timedelta(days=3 if late else 0), time(10))
    )
    HazardEvent.objects.filter(pk=event.pk).update(at=at)
    return closed, event


def test_a_whole_pass_reads_the_closings_recorded_since_the_previous_one(world, credit, clock):
    clock.set("2026-06-01")
    today = timezone.localdate()
    first, _ = closing(world.inside, today - timedelta(days=10))
    counts = scoring.run(today)
    assert counts["events"] == 1
    last = CreditPass.objects.latest("pk")
    assert last.full and last.hazardevent_upto == HazardEvent.objects.latest("pk").pk
    # a closing recorded after the pass, dated in the past, is found by the next whole pass
    later, _ = closing(world.inside, today - timedelta(days=40), late=True)
    scoring.run(today)
    assert set(CreditEvent.objects.values_list("source_id", "kind")) == {
        (first.pk, "hazard_on_time"),
        (later.pk, "hazard_overdue"),
    }
    assert not CreditPass.objects.latest("pk").full
    # the daily pass does not read again the closings earlier passes read: events missing for
    # them (or a rule added since) come back only with --full
    CreditEvent.objects.all().delete()
    scoring.run(today)
    assert CreditEvent.objects.count() == 0
    scoring.run(today, full=True)
    assert CreditEvent.objects.count() == 2
    assert CreditPass.objects.latest("pk").full


def test_the_closings_cut_off_keeps_every_closing_still_valid(world, credit, clock):
    clock.set("2026-06-01")
    today = timezone.localdate()
    months = CreditRule.objects.get(kind="hazard_on_time").validity_months
    assert months == 12
    closing(world.inside, date(2025, 6, 2))  # counts until 2026-06-02
    closing(world.inside, date(2025, 5, 31))  # counted until 2026-05-31: gone
    scoring.run(today, full=True)
    assert list(CreditEvent.objects.values_list("occurred_on", flat=True)) == [date(2025, 6, 2)]


def test_the_command_runs_the_daily_pass(world, credit, clock):
    clock.set("2026-06-01")
    closing(world.inside, date(2026, 5, 20), late=True)
    out = io.StringIO()
    call_command("credit_recompute", "--day", "2026-06-01", stdout=out)
    assert "events 1" in out.getvalue()
    call_command("credit_recompute", "--day", "2026-06-01", "--full", stdout=io.StringIO())
    assert [p.full for p in CreditPass.objects.order_by("pk")] == [True, True]
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    assert record.score == 100 + CreditRule.objects.get(kind="hazard_overdue").points

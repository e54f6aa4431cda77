"""Each trigger at its boundary, with the clock moved; a repeated run raises nothing new."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from safeloop.accidents.models import Accident
from safeloop.enforcement.models import Proposal
from safeloop.enforcement.services import evaluate_triggers
from safeloop.enforcement.triggers import REGISTRY
from safeloop.hazards.choices import Level, State
from tests.enforcement.conftest import make_hazard


def keys(kind):
    return set(Proposal.objects.filter(kind=kind).values_list("hazard_id", flat=True))


def test_it_proposes_an_overdue_hazard_only_past_n_days(world, departments):
    hazard = make_hazard(world.inside, days_left=0)  # deadline today; rule: beyond 30 days
    deadline = hazard.deadline
    evaluate_triggers(deadline + timedelta(days=30))
    assert keys("hazard_overdue") == set()
    evaluate_triggers(deadline + timedelta(days=31))
    assert keys("hazard_overdue") == {hazard.pk}
    evaluate_triggers(deadline + timedelta(days=32))
    assert Proposal.objects.filter(kind="hazard_overdue").count() == 1


def test_it_skips_a_closed_hazard(world, departments):
    hazard = make_hazard(world.inside, days_left=-60, state=State.CLOSED)
    evaluate_triggers(timezone.localdate())
    assert hazard.pk not in keys("hazard_overdue")


def test_it_proposes_a_major_hazard_the_day_after_its_deadline(world, departments):
    hazard = make_hazard(world.inside, days_left=0, level=Level.MAJOR)
    evaluate_triggers(hazard.deadline)
    assert keys("major_unrectified") == set()
    evaluate_triggers(hazard.deadline + timedelta(days=1))
    assert keys("major_unrectified") == {hazard.pk}
    proposal = Proposal.objects.get(kind="major_unrectified")
    assert proposal.evidence["level"] == "重大事故隐患" or proposal.evidence["level"]
    assert proposal.rule.approval_level == "city"


def accident(world, injured, days_ago=1):
    when = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(10))
    )
    return Accident.objects.create(
        enterprise=world.inside,
        occurred_at=when,
        place="车间",
        summary="机械伤害",
        serious_injuries=1,
        minor_injuries=injured - 1,
        grade="general",
    )


def test_it_proposes_an_accident_with_n_or_more_injured(world, departments):
    two = accident(world, 2)
    three = accident(world, 3)
    old = accident(world, 5, days_ago=31)
    evaluate_triggers(timezone.localdate())
    found = set(Proposal.objects.filter(kind="group_injury").values_list("accident_id", flat=True))
    assert found == {three.pk}
    assert two.pk not in found and old.pk not in found
    assert Proposal.objects.get(accident=three).evidence["injured"] == 3


def test_it_keeps_the_investment_and_indicator_triggers_registered_and_silent(world):
    """The investment trigger reads the investment app (installed) but stays off until an
    administrator switches its rule on; the indicator one waits for its data."""
    assert REGISTRY["investment_missing"].available() is True
    assert REGISTRY["indicator_exceeded"].available() is False
    assert "investment_missing" not in evaluate_triggers(timezone.localdate())

"""Each feature against counts made by hand, as of a day: nothing after the day is seen."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from safeloop.enterprises.models import Licence
from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.inspections.models import Plan, Visit
from safeloop.orgs.roles import Role
from safeloop.prediction import features as F
from safeloop.risks.models import EnterpriseRiskProfile

DAY = date(2026, 3, 1)
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=TZ)


def hazard(e, found: date, *, level="general", deadline=None, accepted=None, state="closed"):
    return Hazard.objects.bulk_create(
        [
            Hazard(
                enterprise=e,
                region_code=e.region_code,
                state=state,
                level=level,
                source="1",
                category="1",
                place="车间",
                description="隐患",
                found_at=at(found),
                deadline=deadline,
                accepted_at=at(accepted) if accepted else None,
            )
        ]
    )[0]


def row(e, day=DAY) -> dict:
    values = F.as_of([e.pk], day)[0]
    return {f.name: values[i] for i, f in enumerate(F.FEATURES)}


def test_hidden_danger_history_counts_only_what_was_known_on_the_day(world):
    e = world.inside
    EnterpriseRiskProfile.objects.create(enterprise=e, level="orange", major_hazard=True)
    hazard(
        e,
        DAY - timedelta(days=100),
        level="major",
        deadline=DAY - timedelta(days=70),
        accepted=DAY - timedelta(days=80),
    )  # closed in 20 days
    # open on the day and past its deadline (accepted only after the day)
    hazard(
        e,
        DAY - timedelta(days=60),
        deadline=DAY - timedelta(days=30),
        accepted=DAY + timedelta(days=5),
    )
    late = hazard(
        e, DAY - timedelta(days=40), deadline=DAY - timedelta(days=10), state="rectifying"
    )
    hazard(e, DAY - timedelta(days=900))  # older than two years
    hazard(e, DAY + timedelta(days=1), level="major")  # after the day
    hazard(e, DAY - timedelta(days=5), state="voided")  # voided
    HazardEvent.objects.create(
        hazard=late, move="return", from_state="awaiting", to_state="rectifying"
    )
    HazardEvent.objects.filter(hazard=late).update(at=at(DAY - timedelta(days=20)))
    r = row(e)
    assert r["risk_rank"] == 3 and r["major_installation"] == 1 and r["in_park"] == 1
    assert r["hazards_2y"] == 3 and r["majors_2y"] == 1
    assert r["overdue_open"] == 2
    assert r["returned_2y"] == 1
    assert r["days_to_close"] == 20
    # the day after the acceptance, that one is no longer overdue
    assert row(e, DAY + timedelta(days=6))["overdue_open"] == 1


def test_visits_licences_and_the_slots(world):
    e = world.sibling
    plan = Plan.objects.create(
        title="p", kind="comprehensive", region=world.city, period_start=DAY, period_end=DAY
    )
    for days in (400, 45):
        Visit.objects.create(
            plan=plan,
            enterprise=e,
            inspector=world.user(Role.CITY_INSPECTOR),
            scheduled_on=DAY,
            state="submitted",
            submitted_at=at(DAY - timedelta(days=days)),
        )
    Visit.objects.create(
        plan=plan,
        enterprise=e,
        inspector=world.user(Role.CITY_INSPECTOR),
        scheduled_on=DAY,
        state="submitted",
        submitted_at=at(DAY + timedelta(3)),
    )
    Licence.objects.bulk_create(
        [
            Licence(
                enterprise=e,
                kind="safety_production",
                number="A",
                authority="厅",
                valid_from=DAY - timedelta(days=1000),
                valid_to=DAY - timedelta(days=10),
                status="valid",
            ),
        ]
    )
    r = row(e)
    assert r["days_since_visit"] == 45 and r["licence_expired"] == 1
    assert r["credit_grade"] == 0 and r["enforcement_1y"] == 0
    assert "credit_grade" not in F.AVAILABLE
    # a renewed licence valid on the day clears it; never visited reads the cap
    Licence.objects.bulk_create(
        [
            Licence(
                enterprise=e,
                kind="safety_production",
                number="B",
                authority="厅",
                valid_from=DAY - timedelta(days=10),
                valid_to=DAY + timedelta(days=1000),
                status="valid",
            ),
        ]
    )
    assert row(e)["licence_expired"] == 0
    assert row(world.outside)["days_since_visit"] == F.NEVER_VISITED_DAYS

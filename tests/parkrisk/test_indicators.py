"""The indicators of a park's assessment equal a hand count of the records placed below."""

from datetime import datetime, timedelta

from django.utils import timezone

from safeloop.accidents.models import Accident
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from safeloop.parkrisk import selectors, services
from safeloop.parkrisk.choices import AssessmentState
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit
from tests.conftest import valid_uscc
from tests.parkrisk.conftest import make


def _hazard(world, firm, state, level, found_at, deadline):
    return Hazard.objects.create(
        enterprise=firm,
        state=state,
        level=level,
        source="1",
        category="1",
        place="车间",
        description="防护缺失",
        found_at=found_at,
        deadline=deadline,
        found_by=world.user(Role.COUNTY_INSPECTOR),
    )


def _accident(firm, occurred_at, state="reported", **casualties):
    return Accident.objects.create(
        enterprise=firm,
        occurred_at=occurred_at,
        place="仓库",
        summary="物体打击",
        grade="general",
        state=state,
        **casualties,
    )


def _unit(firm, name, identified, grade=None, deleted=False):
    return HazardUnit.objects.create(
        enterprise=firm,
        name=name,
        kind="storage",
        people_within_500m=10,
        identified=identified,
        grade=grade,
        is_deleted=deleted,
    )


def _world_of_records(world, year):
    tz = timezone.get_current_timezone()
    park, county = world.park, world.county
    firm1 = world.inside
    firm2 = Enterprise.objects.create(
        name="园区二号企业", uscc=valid_uscc("640104", 11), region=county, park=park
    )
    firm3 = Enterprise.objects.create(
        name="园区停产企业",
        uscc=valid_uscc("640104", 12),
        region=county,
        park=park,
        status="suspended",
    )
    closed = Enterprise.objects.create(
        name="园区关闭企业",
        uscc=valid_uscc("640104", 13),
        region=county,
        park=park,
        status="closed",
    )
    gone = Enterprise.objects.create(
        name="园区已删企业", uscc=valid_uscc("640104", 14), region=county, park=park
    )
    gone.deleted_at = timezone.now()
    gone.save()
    # risk levels: firm1 red (1 red, 2 yellow points), firm2 blue (3 blue), firm3 not graded;
    # the closed and the sibling enterprise count nowhere.
    EnterpriseRiskProfile.objects.create(enterprise=firm1, level="red", red=1, yellow=2)
    EnterpriseRiskProfile.objects.create(enterprise=firm2, level="blue", blue=3)
    EnterpriseRiskProfile.objects.create(enterprise=closed, level="red", red=5)
    EnterpriseRiskProfile.objects.create(enterprise=world.sibling, level="orange", orange=1)
    # installations: two identified in firm1 (grades 2 and 4), one in firm3 (grade 1);
    # not counted: firm2's unidentified one, firm3's deleted one, the closed firm's.
    _unit(firm1, "液氨储罐", True, 2)
    _unit(firm1, "甲醇罐区", True, 4)
    _unit(firm3, "液氯库", True, 1)
    _unit(firm2, "柴油罐", False)
    _unit(firm3, "旧罐区", True, 3, deleted=True)
    _unit(closed, "关闭罐区", True, 1)
    in_year = datetime(year, 6, 1, 10, tzinfo=tz)
    last_year = datetime(year - 1, 12, 31, 10, tzinfo=tz)
    today = timezone.localdate()
    # hidden dangers found in the year: 4 (one major, one closed); a voided one, one of the
    # year before and the sibling's do not count. Open now: 3 of the year + 1 earlier; overdue:
    # 2 of them.
    _hazard(world, firm1, State.RECTIFYING, Level.MAJOR, in_year, today - timedelta(days=3))
    _hazard(world, firm1, State.CLOSED, Level.GENERAL, in_year, today - timedelta(days=30))
    _hazard(world, firm2, State.PENDING, Level.GENERAL, in_year, today + timedelta(days=5))
    _hazard(world, firm3, State.AWAITING, Level.GENERAL, in_year, None)
    _hazard(world, firm2, State.VOIDED, Level.MAJOR, in_year, None)
    _hazard(world, firm2, State.RECTIFYING, Level.GENERAL, last_year, today - timedelta(days=1))
    _hazard(world, world.sibling, State.RECTIFYING, Level.MAJOR, in_year, None)
    # accidents of the year: 2 (1 death, 2 serious, 3 minor); voided, earlier and sibling ones
    # do not count.
    _accident(firm1, in_year, deaths=1, serious_injuries=2)
    _accident(firm3, in_year, minor_injuries=3)
    _accident(firm2, in_year, state="voided", deaths=4)
    _accident(firm2, last_year, deaths=2)
    _accident(world.sibling, in_year, deaths=1)


HAND_COUNT = {
    "enterprises": 3,
    "enterprise_levels": {"red": 1, "orange": 0, "yellow": 0, "blue": 1, "none": 1},
    "risk_points": {"red": 1, "orange": 0, "yellow": 2, "blue": 3},
    "major_hazard_units": 3,
    "major_hazard_grades": {"1": 1, "2": 1, "3": 0, "4": 1},
    "major_hazard_enterprises": 2,
    "hazards_found": 4,
    "hazards_major": 1,
    "hazards_closed": 1,
    "hazards_open": 4,
    "hazards_overdue": 2,
    "accidents": 2,
    "deaths": 1,
    "serious_injuries": 2,
    "minor_injuries": 3,
}


def test_it_counts_the_indicators_as_a_hand_count(world):
    year = timezone.localdate().year - 1
    _world_of_records(world, year)
    figures = selectors.indicators(world.park, year)
    assert figures.pop("as_of") == timezone.localdate().isoformat()
    assert figures == HAND_COUNT


def test_it_freezes_the_indicators_on_approval(world):
    year = timezone.localdate().year - 1
    _world_of_records(world, year)
    assessment = make(world.park, year, AssessmentState.REVIEWED)
    approved = services.approve(
        actor=world.user(Role.CITY_ADMIN), assessment=assessment, version=assessment.version
    )
    frozen = dict(approved.indicators)
    assert frozen.pop("as_of") == timezone.localdate().isoformat()
    assert frozen == HAND_COUNT and approved.frozen_at is not None
    # later records change the live count, not the approved figures
    _accident(world.inside, datetime(year, 7, 1, tzinfo=timezone.get_current_timezone()))
    approved.refresh_from_db()
    assert selectors.figures_of(approved)["accidents"] == 2
    assert selectors.indicators(world.park, year)["accidents"] == 3

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.orgs.models import Park
from safeloop.orgs.roles import Role
from safeloop.parkrisk.choices import AssessmentState
from safeloop.parkrisk.models import Measure, ParkAssessment

# The roles that act as each kind of the workflow on the world's park.
PARK_KIND = {Role.PARK_OFFICER}
COUNTY_KIND = {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}
CITY_KIND = {Role.CITY_ADMIN, Role.CITY_INSPECTOR, Role.SYSTEM_ADMIN}
VIEWERS = PARK_KIND | COUNTY_KIND | CITY_KIND


@dataclass
class Parks:
    inside: ParkAssessment  # the world's park
    outside: ParkAssessment  # a park of the other city
    sibling: ParkAssessment  # a park of the sibling county


def make(park, year, state=AssessmentState.DRAFT, **fields) -> ParkAssessment:
    """An assessment in `state`, written straight to the table (the services are what the
    tests exercise)."""
    values = {
        "experts": "张工（宁夏安全科学研究院）",
        "expert_opinion": "园区重大危险源管控措施基本落实。",
        "overall_level": "C",
        "conclusion": "园区整体安全风险为一般风险。",
    }
    values.update(fields)
    assessment = ParkAssessment(park=park, year=year, **values)
    assessment.state = state
    assessment.save()
    return assessment


def measure(assessment, days=30, **fields) -> Measure:
    values = {"text": "完善园区封闭化管理", "owner": "园区安监科 李四"}
    values.update(fields)
    return Measure.objects.create(
        assessment=assessment, deadline=timezone.localdate() + timedelta(days=days), **values
    )


@pytest.fixture
def parks(world) -> Parks:
    year = timezone.localdate().year - 1
    outside_park = Park.objects.create(name="石嘴山园区", region=world.other_county)
    sibling_park = Park.objects.create(name="西夏园区", region=world.sibling_county)
    return Parks(
        inside=make(world.park, year),
        outside=make(outside_park, year),
        sibling=make(sibling_park, year),
    )


def expected(role, *, allowed_kinds, scoped=True) -> int:
    """The status a write on the world's park answers: 404 for a role that sees no park
    assessment, 403 for one that sees it but is not of the move's kinds."""
    if role not in VIEWERS:
        return 404 if scoped else 403
    return 200 if role in allowed_kinds else 403


@pytest.fixture(autouse=True)
def _seeded_rules(db):
    """The rule rows the migrations seed, again where a transactional test emptied them."""
    from safeloop.alerts.demo import ensure_rules as ensure_warning_rules
    from safeloop.parkrisk.demo import ensure_rules

    ensure_warning_rules()
    ensure_rules()

"""Property: after any sequence of service calls, the tallies equal the recomputation."""

import contextlib
from datetime import timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeloop.core.errors import ServiceError
from safeloop.dashboards import tallies
from safeloop.enterprises import services as enterprises
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazards
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from safeloop.risks.demo import ensure_reference_data
from safeloop.risks.models import RiskPoint
from tests.photos import photo

OPS = [
    "register",
    "register_major",
    "report",
    "confirm",
    "reject",
    "submit",
    "accept",
    "return",
    "void",
    "extend",
    "fix_on_spot",
    "move_enterprise",
    "change_sector",
    "delete_enterprise",
    "add_point",
    "assess_point",
    "delete_point",
    "fold",
]
# Refusals: any error of the service family (an illegal move in this state, a row outside
# the actor's reach, bad input, a stale version) and Django's own.
REFUSED = (
    ServiceError,
    ValidationError,
    PermissionDenied,
    ObjectDoesNotExist,
)


def _pick(queryset, n):
    rows = list(queryset.order_by("pk"))
    return rows[n % len(rows)] if rows else None


def apply(world, op: str, n: int, register) -> None:
    city = world.user(Role.CITY_INSPECTOR)
    admin = world.user(Role.CITY_ADMIN)
    manager = world.user(Role.SAFETY_MANAGER)
    live = Enterprise.objects.filter(region__parent=world.city)
    enterprise = _pick(live, n)
    hazard = _pick(Hazard.objects.all(), n)
    today = timezone.localdate()
    if op.startswith("register") and enterprise:
        register(enterprise, level="major" if op.endswith("major") else "general", days=n % 50)
    elif op == "report" and enterprise:
        hazards.report(enterprise=enterprise, place="仓库", description=f"报告{n}")
    elif op == "fix_on_spot":
        hazards.fix_on_spot(
            actor=manager,
            enterprise=world.inside,
            evidence="当场整改",
            level="general",
            source="1",
            category="2",
            place="配电房",
            description="盖板缺失",
        )
    elif hazard is None:
        return
    elif op == "confirm":
        hazards.confirm(hazard=hazard, actor=city, deadline=today + timedelta(days=n % 40 - 20))
    elif op == "reject":
        hazards.reject(hazard=hazard, actor=city, reason="误报")
    elif op == "submit":
        hazards.submit(hazard=hazard, actor=city, evidence="已整改", photos=[photo()])
    elif op == "accept":
        hazards.accept(hazard=hazard, actor=admin, opinion="合格", expert_report="专家意见")
    elif op == "return":
        hazards.return_for_rectification(hazard=hazard, actor=admin, reason="不合格")
    elif op == "void":
        hazards.void(hazard=hazard, actor=admin, reason="重复")
    elif op == "extend":
        extension = hazards.request_extension(
            hazard=hazard, actor=manager, new_deadline=today + timedelta(days=90), reason="延期"
        )
        hazards.decide_extension(hazard=extension.hazard, actor=admin, approve=n % 2 == 0)
    elif op in ("move_enterprise", "change_sector") and enterprise:
        if op == "move_enterprise":
            region = (
                world.county if enterprise.region_id != world.county.pk else world.sibling_county
            )
            data = {
                "region": region,
                "park": world.park if region == world.county and n % 2 else None,
                "grid": None,
            }
        else:
            data = {"sector": ["machinery", "textiles", "other"][n % 3]}
        enterprises.update_enterprise(
            actor=admin, enterprise=enterprise, data=data, expected_version=enterprise.version
        )
    elif op == "delete_enterprise" and enterprise and live.count() > 1:
        enterprises.delete_enterprise(
            actor=admin, enterprise=enterprise, expected_version=enterprise.version
        )
    elif op == "add_point" and enterprise:
        risks.create_risk_point(actor=admin, enterprise=enterprise, name=f"点{n}", kind="place")
    elif op == "assess_point":
        point = _pick(RiskPoint.objects.filter(is_deleted=False), n)
        if point:
            score = [1, 3, 6, 10][n % 4]
            risks.assess_risk_point(
                actor=admin, point=point, method="lec", lec_l=score, lec_e=6, lec_c=15
            )
    elif op == "delete_point":
        point = _pick(RiskPoint.objects.filter(is_deleted=False), n)
        if point:
            risks.delete_risk_point(actor=admin, point=point)
    elif op == "fold":
        tallies.fold()


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10_000)), max_size=12))
def test_it_stays_exact_after_any_sequence_of_service_calls(world, register, steps):
    ensure_reference_data()
    for op, n in steps:
        with contextlib.suppress(*REFUSED):  # refused: nothing written
            apply(world, op, n, register)
    assert tallies.differences() == []
    tallies.fold()
    assert tallies.differences() == []

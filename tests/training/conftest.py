from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enterprises.models import SafetyManager, SpecialOperator
from safeloop.orgs.roles import Role
from safeloop.training import services
from safeloop.training.demo import ensure_rules


@pytest.fixture
def people(world):
    """The inside enterprise's 三项岗位 people: a principal, a safety manager, an operator."""
    ensure_rules()
    world.inside.principal = "张主任"
    world.inside.save()
    manager = SafetyManager.objects.create(
        enterprise=world.inside,
        name="李安全",
        certificate_number="SM-0001",
        certificate_valid_to=timezone.localdate() + timedelta(days=400),
    )
    operator = SpecialOperator.objects.create(
        enterprise=world.inside,
        name="王焊工",
        id_number="640104199001011234",
        certificate_type="welding",
        certificate_number="T640104199001011234",
        valid_to=timezone.localdate() + timedelta(days=800),
    )
    return {"manager": manager, "operator": operator}


@pytest.fixture
def train(world):
    def make(enterprise=None, actor=None, days_ago=10, **extra):
        ended = timezone.localdate() - timedelta(days=days_ago)
        fields = {
            "post": "other",
            "person_name": "赵员工",
            "course": "年度安全再培训",
            "kind": "refresher",
            "hours": 12,
            "provider": "市安全培训中心",
            "started_on": ended - timedelta(days=1),
            "ended_on": ended,
            "exam_result": "passed",
            **extra,
        }
        return services.record_training(
            actor=actor or world.user(Role.SAFETY_MANAGER),
            enterprise=enterprise or world.inside,
            **fields,
        )

    return make

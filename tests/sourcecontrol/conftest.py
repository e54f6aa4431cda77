from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.enterprises.models import Licence
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol import services
from safeloop.sourcecontrol.models import ExpertProfile, ServiceContract


@pytest.fixture(autouse=True)
def _catalogue(db):
    """The seeded catalogue, also where a flushing test emptied it."""
    from safeloop.sourcecontrol.demo import ensure_catalogue

    ensure_catalogue()


@pytest.fixture
def pool(world):
    """The world's expert in the city's pool, a second expert, and a contract of 兴庆区."""
    admin = world.user(Role.CITY_ADMIN)
    today = timezone.localdate()
    expert = ExpertProfile.objects.create(
        user=world.user(Role.EXPERT), name="赵专家", region_code="640104", organisation="安评中心"
    )
    from safeloop.enterprises.models import Enterprise
    from tests.conftest import make_user, valid_uscc

    # the second expert already advises another enterprise of the county
    advised = Enterprise.objects.create(
        name="兴庆小微企业", uscc=valid_uscc("640104", 9), region=world.county
    )
    other = ExpertProfile.objects.create(
        user=make_user("expert2", Role.EXPERT, enterprise=advised),
        name="钱专家",
        region_code="640104",
    )
    contract = ServiceContract.objects.create(
        number="XQ-2026-001",
        title="小微企业安全技术服务",
        provider="宁夏安评中心",
        region_code="640104",
        amount=Decimal("120000"),
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=300),
    )
    return {"admin": admin, "expert": expert, "other": other, "contract": contract}


@pytest.fixture
def lapsed(world):
    """A safety production licence of the inside enterprise that lapsed ten days ago."""
    today = timezone.localdate()
    return Licence.objects.create(
        enterprise=world.inside,
        number="(宁)WH安许证字〔2023〕001",
        authority="银川市应急管理局",
        valid_from=today - timedelta(days=3 * 365),
        valid_to=today - timedelta(days=10),
    )


def assign(pool, world, expert=None, enterprise=None):
    return services.assign_expert(
        actor=pool["admin"],
        contract=pool["contract"],
        expert=expert or pool["expert"],
        enterprise=enterprise or world.inside,
    )

import pytest
from django.utils import timezone

from safeloop.duties.models import ResponsibilityList, Signatory
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, Role


def issued(enterprise, kind="all_staff", post="", items="遵守规章制度\n报告隐患"):
    return ResponsibilityList.objects.create(
        enterprise=enterprise,
        kind=kind,
        post=post,
        items=items,
        issued_on=timezone.localdate(),
    )


def signatory(rlist, name="张三", user=None):
    return Signatory.objects.create(rlist=rlist, person_name=name, post_name="操作工", user=user)


@pytest.fixture
def department(world):
    return Department.objects.create(
        name="兴庆区工信局", kind="county_department", region=world.county
    )


STAFF = set(ENTERPRISE_STAFF)
ADMIN_ROLES = set(ADMINS)
# Roles that see the world's `inside` enterprise (every role holder is placed on its branch).
SEES_INSIDE = {r for r in Role}


@pytest.fixture(autouse=True)
def _seeded_rules(db):
    """The rows the migrations seed, again where a transactional test emptied them."""
    from safeloop.alerts.demo import ensure_rules
    from safeloop.duties.demo import ensure_templates

    ensure_rules()
    ensure_templates()

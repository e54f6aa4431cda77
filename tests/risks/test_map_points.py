"""The map's points follow every write of enterprises and risk profiles, the ORM's and bulk
SQL's alike, and each write moves the map's data version (so no cached payload outlives
it)."""

from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.risks import selectors, services
from safeloop.risks.models import EnterpriseRiskProfile, MapPoint
from tests.scope import ROLES

from .conftest import lec

pytestmark = pytest.mark.django_db


def derived() -> dict:
    """What each live enterprise with coordinates should show, from the tables themselves."""
    out = {}
    live = Enterprise.objects.filter(latitude__isnull=False, longitude__isnull=False)
    for e in live.select_related("risk_profile"):
        profile = getattr(e, "risk_profile", None)
        level = selectors.LEVEL_CODES.index(profile.level if profile else "")
        point = f"{e.pk},{round(e.latitude * 100000)},{round(e.longitude * 100000)}"
        out[e.pk] = (
            e.region_code,
            e.park_id,
            e.grid_id,
            e.sector,
            level,
            bool(profile and profile.major_hazard),
            point,
        )
    return out


def kept() -> dict:
    return {
        p.enterprise_id: (
            p.region_code,
            p.park_id,
            p.grid_id,
            p.sector,
            p.level,
            p.major_hazard,
            p.point,
        )
        for p in MapPoint.objects.all()
    }


def test_every_write_keeps_the_points_and_moves_the_version(world):
    def moved(write) -> None:
        before = selectors.map_version()
        write()
        assert selectors.map_version() > before
        assert kept() == derived()

    e = world.inside
    assert kept() == derived() == {}  # no enterprise has coordinates yet
    moved(lambda: Enterprise.objects.filter(pk=e.pk).update(latitude=38.47361, longitude=106.1))
    moved(
        lambda: Enterprise.objects.exclude(pk=e.pk).update(
            latitude=Decimal("38.5"), longitude=Decimal("106.2")
        )
    )
    assert len(kept()) == Enterprise.objects.count()
    moved(lambda: Enterprise.objects.filter(pk=e.pk).update(sector="machinery"))
    moved(lambda: Enterprise.objects.filter(pk=e.pk).update(park=None, grid=None))
    admin = world.user(Role.SYSTEM_ADMIN)
    point = services.create_risk_point(
        actor=admin, enterprise=e, name="液氯库", kind="place", post="仓管员"
    )
    moved(lambda: services.assess_risk_point(actor=admin, point=point, **lec(6, 6, 15)))
    assert kept()[e.pk][4] == selectors.LEVEL_CODES.index("red")
    moved(lambda: EnterpriseRiskProfile.objects.filter(enterprise=e).update(major_hazard=True))
    moved(lambda: EnterpriseRiskProfile.objects.filter(enterprise=e).delete())
    moved(lambda: Enterprise.objects.filter(pk=e.pk).update(longitude=None))  # no location
    assert e.pk not in kept()
    moved(lambda: Enterprise.objects.filter(pk=world.sibling.pk).update(deleted_at=timezone.now()))
    assert world.sibling.pk not in kept()


@pytest.mark.parametrize("role", ROLES)
def test_the_points_are_scoped_like_the_enterprises(world, role):
    Enterprise.objects.update(latitude=Decimal("38.5"), longitude=Decimal("106.2"))
    user = world.users[role]
    located = Q(latitude__isnull=False) & Q(longitude__isnull=False)
    expected = set(Enterprise.objects.for_user(user).filter(located).values_list("pk", flat=True))
    assert set(MapPoint.objects.for_user(user).values_list("pk", flat=True)) == expected


def test_the_rollups_follow_every_write_through_the_cache(world):
    """The overview's county and park roll-ups are cached by the map version: an ORM save and
    a bulk update alike show at once; a soft-deleted enterprise leaves them."""
    admin, editor = world.user(Role.CITY_ADMIN), world.user(Role.SYSTEM_ADMIN)

    def red() -> int:
        return sum(row["red_enterprises"] for row in selectors.rollup(admin, "region"))

    def total() -> int:
        return sum(row["enterprises"] for row in selectors.rollup(admin, "park"))

    assert (total(), red()) == (0, 0)  # no enterprise has a risk profile yet
    for enterprise in (world.inside, world.sibling):
        point = services.create_risk_point(
            actor=editor, enterprise=enterprise, name="液氯库", kind="place", post="仓管员"
        )
        services.assess_risk_point(actor=editor, point=point, **lec(6, 6, 15))
    assert (total(), red()) == (2, 2)
    EnterpriseRiskProfile.objects.filter(enterprise=world.inside).update(level="blue")
    assert (total(), red()) == (2, 1)
    Enterprise.objects.filter(pk=world.sibling.pk).update(deleted_at=timezone.now())
    assert (total(), red()) == (1, 0)

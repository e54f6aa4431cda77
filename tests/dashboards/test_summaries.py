"""The tallies stay equal to the base tables after every kind of move, edit and deletion."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeloop.dashboards import tallies
from safeloop.dashboards.models import HazardCount, HazardCountChange, RiskTally
from safeloop.enterprises import services as enterprises
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazards
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Park
from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from tests.conftest import valid_uscc
from tests.photos import photo


def test_it_counts_every_move_of_the_loop(world, register, assert_exact):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    manager = world.user(Role.SAFETY_MANAGER)
    hazard = register()
    assert_exact()
    reported, _ = hazards.report(enterprise=world.inside, place="仓库", description="堵塞通道")
    assert_exact()
    hazards.confirm(hazard=reported, actor=inspector, deadline=timezone.localdate())
    assert_exact()
    rejected, _ = hazards.report(enterprise=world.sibling, place="仓库", description="误报")
    hazards.reject(hazard=rejected, actor=world.user(Role.CITY_INSPECTOR), reason="误报")
    assert_exact()
    hazards.submit(hazard=hazard, actor=manager, evidence="已更换", photos=[photo()])
    assert_exact()
    hazards.return_for_rectification(hazard=hazard, actor=inspector, reason="不合格")
    assert_exact()
    hazard.refresh_from_db()
    hazards.submit(hazard=hazard, actor=manager, evidence="再次更换", photos=[photo()])
    hazards.accept(hazard=hazard, actor=world.user(Role.COUNTY_ADMIN), opinion="合格")
    assert_exact()
    fixed, _ = hazards.fix_on_spot(
        actor=manager,
        enterprise=world.inside,
        evidence="当场整改",
        source="1",
        category="2",
        level="general",
        place="配电房",
        description="盖板缺失",
    )
    assert_exact()
    hazards.void(hazard=reported, actor=inspector, reason="重复登记")
    assert_exact()
    counts = {r["state"]: r["n"] for r in tallies.read(HazardCount, ["state"])}
    assert counts == {"closed": 1, "awaiting": 1, "voided": 2}


def test_it_counts_extensions_and_deadline_edits(world, register, assert_exact):
    hazard = register(days=40)
    extension = hazards.request_extension(
        hazard=hazard,
        actor=world.user(Role.SAFETY_MANAGER),
        new_deadline=timezone.localdate() + timedelta(days=70),
        reason="设备到货延迟",
    )
    hazards.decide_extension(
        hazard=extension.hazard, actor=world.user(Role.COUNTY_INSPECTOR), approve=True
    )
    assert_exact()


def test_it_follows_an_enterprise_that_moves_park_sector_or_county(world, register, assert_exact):
    register()
    register(level="major")
    register(world.sibling)
    admin = world.user(Role.CITY_ADMIN)
    other_park = Park.objects.create(name="另一园区", region=world.county)
    inside = Enterprise.objects.get(pk=world.inside.pk)
    inside = enterprises.update_enterprise(
        actor=admin,
        enterprise=inside,
        data={"park": other_park, "grid": None, "sector": "machinery"},
        expected_version=inside.version,
    )
    assert_exact()
    inside = enterprises.update_enterprise(
        actor=admin,
        enterprise=inside,
        data={"region": world.sibling_county, "park": None},
        expected_version=inside.version,
    )
    assert set(Hazard.objects.filter(enterprise=inside).values_list("region_code", flat=True)) == {
        "640105"
    }
    assert_exact()
    enterprises.delete_enterprise(actor=admin, enterprise=inside, expected_version=inside.version)
    assert_exact()


def test_it_counts_risk_profiles_and_enterprises(world, assert_exact):
    manager = world.user(Role.SAFETY_MANAGER)
    point = risks.create_risk_point(
        actor=manager, enterprise=world.inside, name="反应釜", kind="equipment"
    )
    assert_exact()
    risks.assess_risk_point(actor=manager, point=point, method="lec", lec_l=10, lec_e=6, lec_c=15)
    assert_exact()
    second = risks.create_risk_point(
        actor=manager, enterprise=world.inside, name="储罐", kind="equipment"
    )
    risks.assess_risk_point(actor=manager, point=second, method="lec", lec_l=1, lec_e=1, lec_c=1)
    assert_exact()
    risks.delete_risk_point(actor=manager, point=point)
    assert_exact()
    enterprises.create_enterprise(
        actor=world.user(Role.SYSTEM_ADMIN),
        data={"name": "新企业", "uscc": valid_uscc("640104", 77), "region": world.county},
    )
    assert_exact()
    rows = tallies.read(RiskTally, ["level"])
    graded = {r["level"]: r["enterprises"] for r in rows}
    assert graded[""] == 3  # sibling, outside and the new one have no risk points


def test_it_follows_bulk_and_raw_statements(world, register, assert_exact):
    for _ in range(3):
        register()
    Hazard.objects.update(level="major")  # one statement, many rows
    assert_exact()
    Hazard.objects.filter(pk=Hazard.objects.first().pk).delete()  # hard delete (admin only)
    assert_exact()


def test_it_keeps_writers_off_the_summary_rows(world, register):
    """A create appends a change row; the summary itself is only written by the fold."""
    tallies.fold()
    before = HazardCount.objects.count()
    register()
    assert HazardCountChange.objects.count() == 1
    assert HazardCount.objects.count() == before
    tallies.fold()
    assert HazardCountChange.objects.count() == 0


def test_it_rebuilds_after_a_truncate(world, register, assert_exact):
    register()
    tallies.fold()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_hazardcount")  # as after a TRUNCATE elsewhere
    assert tallies.differences()
    tallies.rebuild()
    assert_exact()


@pytest.fixture(autouse=True)
def _reference(db):
    from safeloop.risks.demo import ensure_reference_data

    ensure_reference_data()

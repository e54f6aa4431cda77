"""The services: conflict-of-interest exclusion for every relation kind, the lifecycles
walked over their whole tables (landing states included), catalogue matching (one hidden
danger per match, idempotent), the elimination list and the expert findings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.enterprises.choices import LicenceStatus, Status
from safeloop.hazards.choices import Source
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import RoleAssignment
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol import orders, services
from safeloop.sourcecontrol.choices import RelationKind
from safeloop.sourcecontrol.models import CatalogueEntry, CatalogueMatch, ExpertAssignment
from tests.conftest import make_user
from tests.sourcecontrol.conftest import assign

TODAY = timezone.localdate


# ---------------------------------------------------------------- conflict of interest
@pytest.mark.parametrize("kind", RelationKind.values)
def test_it_never_assigns_an_expert_to_an_enterprise_they_are_tied_to(world, pool, kind):
    services.declare_relation(
        actor=pool["admin"], expert=pool["expert"], enterprise=world.inside, kind=kind
    )
    with pytest.raises(Invalid) as refused:
        assign(pool, world)
    assert "expert" in refused.value.fields()
    assert not ExpertAssignment.objects.filter(expert=pool["expert"]).exists()
    # another expert without ties is assigned
    assert assign(pool, world, expert=pool["other"]).pk


@pytest.mark.parametrize("kind", RelationKind.values)
def test_it_withdraws_a_running_assignment_when_a_relation_is_declared(world, pool, kind):
    assignment = assign(pool, world)
    services.declare_relation(
        actor=pool["admin"], expert=pool["expert"], enterprise=world.inside, kind=kind
    )
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None
    assert "利益冲突" in assignment.withdraw_reason
    with pytest.raises(IllegalMove):
        services.record_visit(
            actor=world.user(Role.EXPERT), assignment=assignment, visited_on=TODAY(), summary="x"
        )


def test_it_assigns_again_once_the_relation_is_voided(world, pool):
    relation = services.declare_relation(
        actor=pool["admin"],
        expert=pool["expert"],
        enterprise=world.inside,
        kind=RelationKind.FORMER_EMPLOYEE,
    )
    services.void_relation(actor=pool["admin"], relation=relation, reason="离职已满三年")
    assert assign(pool, world).pk
    with pytest.raises(IllegalMove):
        services.void_relation(actor=pool["admin"], relation=relation, reason="again")


def test_an_assignment_grants_the_expert_the_enterprise(world, pool):
    expert2 = pool["other"].user
    assert not RoleAssignment.objects.filter(user=expert2, enterprise=world.inside).exists()
    assign(pool, world, expert=pool["other"])
    assert RoleAssignment.objects.filter(
        user=expert2, role=Role.EXPERT, enterprise=world.inside, active=True
    ).exists()


def test_an_assignment_stays_in_the_contract_region(world, pool):
    with pytest.raises(Invalid) as refused:
        assign(pool, world, enterprise=world.sibling)
    assert "enterprise" in refused.value.fields()


# ---------------------------------------------------------------- visits and findings
def _visit(world, pool, findings=2):
    assignment = assign(pool, world)
    return services.record_visit(
        actor=world.user(Role.EXPERT),
        assignment=assignment,
        visited_on=TODAY(),
        summary="指导建立隐患排查制度",
        findings=[
            {"place": f"车间{i}", "description": f"问题{i}", "level": "general"}
            for i in range(findings)
        ],
    )


def test_only_the_assigned_expert_records_a_visit(world, pool):
    assignment = assign(pool, world)
    for role in (Role.SAFETY_MANAGER, Role.COUNTY_ADMIN):
        with pytest.raises(NotPermitted):
            services.record_visit(
                actor=world.user(role), assignment=assignment, visited_on=TODAY(), summary="x"
            )
    with pytest.raises(Invalid):
        services.record_visit(
            actor=world.user(Role.EXPERT),
            assignment=assignment,
            visited_on=TODAY() + timedelta(days=1),
            summary="x",
        )


@pytest.mark.parametrize("role", [Role.SAFETY_MANAGER, Role.COUNTY_INSPECTOR])
def test_findings_become_hidden_dangers_once(world, pool, role):
    visit = _visit(world, pool)
    created = services.register_findings(actor=world.user(role), visit=visit)
    assert len(created) == 2
    assert {h.source for h in created} == {Source.EXPERT}
    again = services.register_findings(actor=world.user(role), visit=visit)
    assert again == []
    assert Hazard.objects.filter(enterprise=world.inside).count() == 2


def test_the_expert_does_not_register_findings(world, pool):
    visit = _visit(world, pool)
    with pytest.raises(NotPermitted):
        services.register_findings(actor=world.user(Role.EXPERT), visit=visit)


# ---------------------------------------------------------------- catalogue matching
def _item(world, name, kind="equipment", capacity=None, unit=""):
    return services.add_item(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        kind=kind,
        name=name,
        capacity=capacity,
        capacity_unit=unit,
        quantity=1,
    )


def test_matching_creates_one_hidden_danger_per_match_and_is_idempotent(world):
    small = _item(world, "1号炼铁高炉", capacity=Decimal("350"), unit="立方米")
    _item(world, "2号炼铁高炉", capacity=Decimal("1080"), unit="立方米")  # above the limit
    process = _item(world, "化铁炼钢", kind="process")
    _item(world, "数控车床")
    actor = world.user(Role.SAFETY_MANAGER)
    created = services.match_inventory(actor=actor, enterprise=world.inside)
    assert {(m.item_id, m.entry_code) for m in created} == {
        (small.pk, "CY2019-钢铁-小高炉"),
        (process.pk, "CY2019-钢铁-化铁炼钢"),
    }
    hazards = Hazard.objects.filter(enterprise=world.inside)
    assert hazards.count() == 2
    for match in created:
        assert match.hazard.criterion.startswith(match.entry.source[:20])
    # again, by the same user and by a regulator: nothing new
    assert services.match_inventory(actor=actor, enterprise=world.inside) == []
    inspector = world.user(Role.COUNTY_INSPECTOR)
    assert services.match_inventory(actor=inspector, enterprise=world.inside) == []
    assert hazards.count() == 2 and CatalogueMatch.objects.count() == 2


def test_a_newer_catalogue_version_applies_from_its_day(world):
    admin = world.user(Role.CITY_ADMIN)
    old = CatalogueEntry.objects.get(code="CY2019-钢铁-小高炉")
    services.add_entry(
        actor=admin,
        **{
            **{f: getattr(old, f) for f in services.ENTRY_FIELDS},
            "capacity_max": Decimal("1200"),
            "effective_from": TODAY(),
            "published_on": TODAY(),
        },
    )
    big = _item(world, "2号炼铁高炉", capacity=Decimal("1080"), unit="立方米")
    created = services.match_inventory(actor=admin, enterprise=world.inside)
    assert [m.item_id for m in created] == [big.pk]
    with pytest.raises(NotPermitted):
        services.add_entry(actor=world.user(Role.COUNTY_INSPECTOR), code="X")


def test_a_retired_item_is_not_matched(world):
    item = _item(world, "化铁炼钢", kind="process")
    services.retire_item(actor=world.user(Role.SAFETY_MANAGER), item=item, version=item.version)
    assert (
        services.match_inventory(actor=world.user(Role.SAFETY_MANAGER), enterprise=world.inside)
        == []
    )


def test_matching_outside_the_scope_is_not_found(world):
    with pytest.raises(NotFound):
        services.match_inventory(actor=world.user(Role.SAFETY_MANAGER), enterprise=world.outside)
    with pytest.raises(NotPermitted):
        services.match_inventory(actor=world.user(Role.EXPERT), enterprise=world.inside)


# ---------------------------------------------------------------- elimination list
def test_the_elimination_lifecycle(world):
    regulator, staff = world.user(Role.COUNTY_INSPECTOR), world.user(Role.SAFETY_MANAGER)
    with pytest.raises(NotPermitted):
        services.list_elimination(
            actor=staff,
            enterprise=world.inside,
            year=TODAY().year,
            capacity="x",
            reason="y",
            deadline=TODAY(),
        )
    item = services.list_elimination(
        actor=regulator,
        enterprise=world.inside,
        year=TODAY().year,
        capacity="1×6300kVA 矿热炉",
        reason="列入目录",
        deadline=TODAY() + timedelta(days=90),
    )
    assert item.state == "listed"
    milestone = services.add_milestone(
        actor=staff, item=item, title="停产", due_on=TODAY() + timedelta(days=10)
    )
    with pytest.raises(Invalid):
        services.report_elimination(actor=staff, item=item, version=item.version, report="拆除")
    services.complete_milestone(actor=staff, milestone=milestone, done_on=TODAY())
    item = services.report_elimination(actor=staff, item=item, version=item.version, report="拆除")
    assert item.state == "reported"
    with pytest.raises(NotPermitted):
        services.verify_elimination(actor=staff, item=item, version=item.version, verification="x")
    item = services.send_back_elimination(
        actor=regulator, item=item, version=item.version, verification="电源未拆除"
    )
    assert item.state == "listed"
    item = services.report_elimination(actor=staff, item=item, version=item.version, report="已拆")
    item = services.verify_elimination(
        actor=regulator, item=item, version=item.version, verification="现场核实"
    )
    assert item.state == "verified"
    with pytest.raises(IllegalMove):
        services.report_elimination(actor=staff, item=item, version=item.version, report="x")
    with pytest.raises(Conflict):
        services.verify_elimination(actor=regulator, item=item, version=1, verification="x")


# ---------------------------------------------------------------- licence cancellation
def test_the_scan_proposes_each_lapsed_licence_once(world, lapsed):
    assert orders.scan_lapsed() == 1
    assert orders.scan_lapsed() == 0
    cancellation = lapsed.licence_cancellations if False else None  # noqa: F841
    from safeloop.sourcecontrol.models import LicenceCancellation

    record = LicenceCancellation.objects.get(licence=lapsed)
    assert record.state == "proposed" and record.lapsed_on == lapsed.valid_to


def _propose(world, lapsed):
    return orders.propose_cancellation(actor=world.user(Role.COUNTY_INSPECTOR), licence=lapsed)


def test_the_cancellation_walks_to_cancelled(world, lapsed):
    regulator = world.user(Role.COUNTY_INSPECTOR)
    record = _propose(world, lapsed)
    with pytest.raises(Conflict):
        _propose(world, lapsed)
    with pytest.raises(IllegalMove):
        orders.cancel_licence(
            actor=regulator, cancellation=record, version=record.version, decision_number="1"
        )
    with pytest.raises(NotPermitted):
        orders.notify_cancellation(
            actor=world.user(Role.SAFETY_MANAGER),
            cancellation=record,
            version=record.version,
            notice="x",
        )
    record = orders.notify_cancellation(
        actor=regulator, cancellation=record, version=record.version, notice="限期陈述"
    )
    assert record.state == "notified"
    record = orders.cancel_licence(
        actor=regulator,
        cancellation=record,
        version=record.version,
        decision_number="银应急注〔2026〕1号",
    )
    assert record.state == "cancelled"
    lapsed.refresh_from_db()
    assert lapsed.status == LicenceStatus.EXPIRED
    with pytest.raises(IllegalMove):
        orders.withdraw_cancellation(
            actor=regulator, cancellation=record, version=record.version, note="x"
        )


@pytest.mark.parametrize("notified", [False, True])
def test_the_cancellation_is_withdrawn_from_proposed_or_notified(world, lapsed, notified):
    regulator = world.user(Role.COUNTY_INSPECTOR)
    record = _propose(world, lapsed)
    if notified:
        record = orders.notify_cancellation(
            actor=regulator, cancellation=record, version=record.version, notice="告知"
        )
    record = orders.withdraw_cancellation(
        actor=regulator, cancellation=record, version=record.version, note="已延续"
    )
    assert record.state == "withdrawn"
    assert orders.scan_lapsed() == 0  # not proposed again


def test_a_renewed_licence_is_not_cancelled(world, lapsed):
    regulator = world.user(Role.COUNTY_INSPECTOR)
    record = _propose(world, lapsed)
    record = orders.notify_cancellation(
        actor=regulator, cancellation=record, version=record.version, notice="告知"
    )
    lapsed.valid_to = TODAY() + timedelta(days=365 * 3)
    lapsed.save()
    with pytest.raises(IllegalMove):
        orders.cancel_licence(
            actor=regulator, cancellation=record, version=record.version, decision_number="1"
        )


def test_a_valid_licence_is_not_proposed(world, lapsed):
    lapsed.valid_to = TODAY() + timedelta(days=5)
    lapsed.save()
    with pytest.raises(Invalid):
        _propose(world, lapsed)


# ---------------------------------------------------------------- stop and rectify
def _order(world):
    return orders.issue_stop_order(
        actor=world.user(Role.COUNTY_INSPECTOR),
        enterprise=world.inside,
        number="兴应急停〔2026〕1号",
        issued_on=TODAY(),
        scope="whole",
        reason="粉尘涉爆场所未设泄爆装置",
        requirements="加装泄爆片并检测",
    )


def test_the_stop_order_walks_every_move_to_resumed(world):
    staff, inspector = world.user(Role.SAFETY_MANAGER), world.user(Role.COUNTY_INSPECTOR)
    county_admin, city_admin = world.user(Role.COUNTY_ADMIN), world.user(Role.CITY_ADMIN)
    with pytest.raises(NotPermitted):
        orders.issue_stop_order(
            actor=staff,
            enterprise=world.inside,
            number="n",
            issued_on=TODAY(),
            scope="whole",
            reason="r",
            requirements="q",
        )
    order = _order(world)
    world.inside.refresh_from_db()
    assert order.state == "ordered" and world.inside.status == Status.SUSPENDED
    with pytest.raises(NotPermitted):
        orders.apply_resumption(
            actor=inspector, order=order, version=order.version, application="x"
        )
    order = orders.apply_resumption(
        actor=staff, order=order, version=order.version, application="已加装"
    )
    assert order.state == "applied"
    order = orders.inspect_resumption(
        actor=inspector,
        order=order,
        version=order.version,
        passed=False,
        inspected_on=TODAY(),
        inspection="未检测",
    )
    assert order.state == "ordered"
    order = orders.apply_resumption(
        actor=staff, order=order, version=order.version, application="已检测"
    )
    order = orders.inspect_resumption(
        actor=county_admin,
        order=order,
        version=order.version,
        passed=True,
        inspected_on=TODAY(),
        inspection="符合",
    )
    assert order.state == "inspected"
    # the inspector may not approve their own inspection; a staff member never
    for who in (county_admin, staff, inspector):
        with pytest.raises(NotPermitted):
            orders.decide_resumption(
                actor=who, order=order, version=order.version, approve=True, decision="x"
            )
    order = orders.decide_resumption(
        actor=city_admin, order=order, version=order.version, approve=False, decision="复查"
    )
    assert order.state == "ordered" and order.rounds == 2
    order = orders.apply_resumption(
        actor=staff, order=order, version=order.version, application="复查整改"
    )
    order = orders.inspect_resumption(
        actor=inspector,
        order=order,
        version=order.version,
        passed=True,
        inspected_on=TODAY(),
        inspection="符合",
    )
    order = orders.decide_resumption(
        actor=county_admin, order=order, version=order.version, approve=True, decision="同意复产"
    )
    assert order.state == "resumed"
    world.inside.refresh_from_db()
    assert world.inside.status == Status.OPERATING
    with pytest.raises(IllegalMove):
        orders.apply_resumption(actor=staff, order=order, version=order.version, application="x")


def test_stop_orders_outside_the_scope_are_not_found(world):
    order = _order(world)
    outsider = make_user("outsider_admin", Role.COUNTY_ADMIN, region=world.sibling_county)
    with pytest.raises(NotFound):
        orders.apply_resumption(actor=outsider, order=order, version=order.version, application="x")
    with pytest.raises(Invalid):
        _order(world)  # the number is taken


def test_the_nightly_job_proposes_lapsed_licences(world, lapsed):
    from safeloop.sourcecontrol.tasks import scan_lapsed_licences

    assert scan_lapsed_licences(0) == 1
    assert scan_lapsed_licences(0) == 0

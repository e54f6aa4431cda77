"""The public report's services: routing, duplicates, triage through the hidden-danger loop,
the reporter's confirm / not-fixed loop, and the rules as data."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from safeloop.core.errors import IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.hazards.choices import Source, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.public import services
from safeloop.public.choices import ReportState
from safeloop.public.models import PublicReport, PublicRules, code_hash
from tests.scope import ROLES

pytestmark = pytest.mark.django_db


def _submit(**kw):
    kw.setdefault("description", "仓库消防通道被货物堵塞")
    return services.submit(actor=None, **kw)


def test_it_stores_only_the_hash_of_an_unguessable_code(world):
    report, code = _submit(enterprise=world.inside)
    assert len(code) == 9 and code[4] == "-"
    assert report.code_hash == code_hash(code) != code
    assert services.by_code(code.lower().replace("-", "")) == report
    assert services.by_code("AAAA-AAAA") is None
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_it_routes_to_the_enterprise_county_and_park(world):
    report, _ = _submit(enterprise=world.inside)
    assert (report.region_code, report.park_id, report.routed_by) == (
        "640104",
        world.park.pk,
        "enterprise",
    )
    assert report.state == ReportState.RECEIVED


def test_it_routes_a_site_to_the_chosen_county(world):
    report, _ = _submit(site_name="无证小作坊", county=world.sibling_county)
    assert (report.region_code, report.park_id, report.routed_by) == ("640105", None, "county")


def test_it_routes_by_coordinates_to_the_nearest_enterprise_at_a_border(world):
    # two enterprises either side of a county border; the point is just on the sibling's side
    world.inside.latitude, world.inside.longitude = Decimal("38.480000"), Decimal("106.230000")
    world.inside.save()
    world.sibling.latitude, world.sibling.longitude = Decimal("38.480000"), Decimal("106.250000")
    world.sibling.save()
    near_sibling, _ = _submit(
        address="路边", latitude=Decimal("38.480000"), longitude=Decimal("106.240100")
    )
    near_inside, _ = _submit(
        description="另一处堆放易燃物",
        address="路边",
        latitude=Decimal("38.480000"),
        longitude=Decimal("106.239900"),
    )
    assert (near_sibling.region_code, near_sibling.routed_by) == ("640105", "nearest")
    assert (near_inside.region_code, near_inside.park_id) == ("640104", world.park.pk)


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"description": "  "}, "description"),
        ({"site_name": "", "address": "", "county": None}, "address"),
        ({"address": "某路", "latitude": Decimal("38.1")}, "latitude"),
        ({"address": "某路"}, "county"),
    ],
)
def test_it_refuses_incomplete_reports_on_the_field(world, kw, field):
    with pytest.raises(Invalid) as error:
        _submit(**kw)
    assert field in error.value.fields()
    assert not PublicReport.objects.exists()


def test_it_links_a_duplicate_by_place_time_and_text(world):
    first, _ = _submit(enterprise=world.inside, description="仓库消防通道被货物堵塞，无法通行")
    again, _ = _submit(enterprise=world.inside, description="仓库的消防通道被货物堵塞")
    other_text, _ = _submit(enterprise=world.inside, description="配电箱门破损电线裸露")
    other_place, _ = _submit(enterprise=world.sibling, description="仓库消防通道被货物堵塞")
    assert again.duplicate_of == first and again.state == ReportState.DUPLICATE
    assert other_text.duplicate_of is None and other_place.duplicate_of is None


def test_it_takes_duplicate_thresholds_from_the_rules_in_effect(world):
    rules = PublicRules.current()
    rules.pk, rules.duplicate_similarity = None, Decimal("0.99")
    rules.effective_from = rules.effective_from.replace(year=2026, month=6)
    rules.save()
    _submit(enterprise=world.inside, description="仓库消防通道被货物堵塞，无法通行")
    again, _ = _submit(enterprise=world.inside, description="仓库的消防通道被货物堵塞")
    assert again.duplicate_of is None


def test_it_links_sites_within_the_rules_distance(world):
    base = {"county": world.county, "description": "河边非法小炼油点冒黑烟"}
    first, _ = _submit(address="河边", latitude=Decimal("38.5"), longitude=Decimal("106.2"), **base)
    near, _ = _submit(
        address="河边", latitude=Decimal("38.5010"), longitude=Decimal("106.2"), **base
    )
    far, _ = _submit(address="河边", latitude=Decimal("38.6"), longitude=Decimal("106.2"), **base)
    assert near.duplicate_of == first and far.duplicate_of is None


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_regulators_in_scope_accept(world, role):
    report, _ = _submit(enterprise=world.inside)
    user = world.users[role]
    if role in REGULATORS:
        accepted = services.accept(report=report, actor=user, version=1, reply="已转企业核实")
        hazard = accepted.hazard
        assert accepted.state == ReportState.ACCEPTED
        assert (hazard.state, hazard.source, hazard.enterprise) == (
            State.PENDING,
            Source.PUBLIC_REPORT,
            world.inside,
        )
    else:
        with pytest.raises(NotFound):
            services.accept(report=report, actor=user, version=1)
        assert PublicReport.objects.get().state == ReportState.RECEIVED


def test_it_hides_a_report_from_regulators_of_another_county(world):
    report, _ = _submit(enterprise=world.outside)
    with pytest.raises(NotFound):
        services.reject(
            report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=1, reason="x"
        )


def test_it_needs_an_enterprise_to_accept_a_site_and_a_reason_to_reject(world):
    report, _ = _submit(site_name="无证作坊", county=world.county)
    officer = world.user(Role.COUNTY_INSPECTOR)
    with pytest.raises(Invalid) as error:
        services.accept(report=report, actor=officer, version=1)
    assert "enterprise" in error.value.fields()
    with pytest.raises(Invalid) as error:
        services.reject(report=report, actor=officer, version=1, reason=" ")
    assert "reason" in error.value.fields()
    rejected = services.reject(report=report, actor=officer, version=1, reason="查无此点")
    assert (rejected.state, rejected.public_reply) == (ReportState.REJECTED, "查无此点")
    with pytest.raises(IllegalMove):
        services.accept(report=report, actor=officer, version=2, enterprise=world.inside)


def _accepted_and_closed(world):
    report, code = _submit(enterprise=world.inside)
    report = services.accept(report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=1)
    Hazard.objects.filter(pk=report.hazard_id).update(state=State.CLOSED)
    return report, code


def test_it_refuses_feedback_before_the_hidden_danger_is_closed(world):
    report, code = _submit(enterprise=world.inside)
    services.accept(report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=1)
    with pytest.raises(IllegalMove):
        services.confirm_fixed(actor=None, code=code)
    with pytest.raises(NotFound):
        services.confirm_fixed(actor=None, code="ZZZZ-ZZZZ")


def test_it_closes_the_loop_when_the_reporter_confirms(world):
    report, code = _accepted_and_closed(world)
    confirmed = services.confirm_fixed(actor=None, code=code, note="已清理")
    assert confirmed.state == ReportState.CONFIRMED
    with pytest.raises(IllegalMove):
        services.not_fixed(actor=None, code=code, note="又堵了")


def test_it_reopens_review_when_the_reporter_says_not_fixed(world):
    report, code = _accepted_and_closed(world)
    first = report.hazard
    with pytest.raises(Invalid):
        services.not_fixed(actor=None, code=code, note="")
    again = services.not_fixed(actor=None, code=code, note="通道仍被堵")
    assert again.state == ReportState.ACCEPTED
    assert again.hazard != first
    assert (again.hazard.state, again.hazard.enterprise) == (State.PENDING, world.inside)
    assert "通道仍被堵" in again.hazard.description
    assert list(again.events.values_list("move", flat=True)) == ["submit", "accept", "not_fixed"]


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_administrators_add_rules(world, role):
    current = PublicRules.current()
    fields = {
        f: getattr(current, f)
        for f in [
            "exposed_levels",
            "exposed_after_days",
            "duplicate_hours",
            "duplicate_metres",
            "duplicate_similarity",
            "reports_per_hour",
            "lookups_per_hour",
        ]
    }
    fields.update(effective_from=current.effective_from.replace(month=7), source="市局通知")
    if role in ADMINS:
        services.add_rules(actor=world.users[role], **fields)
        assert PublicRules.objects.count() == 2
        with pytest.raises(ValidationError):
            services.add_rules(actor=world.users[role], **{**fields, "duplicate_similarity": 2})
    else:
        with pytest.raises(NotPermitted):
            services.add_rules(actor=world.users[role], **fields)
        assert PublicRules.objects.count() == 1

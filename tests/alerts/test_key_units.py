"""The key units list (重点监管): each reason puts an enterprise on it and shows as a reason;
an enterprise without any is not on it; scope narrows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.accidents import services as accident_services
from safeloop.alerts import selectors
from safeloop.alerts.choices import KeyReason
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards.choices import Level, State
from safeloop.orgs.roles import Role
from safeloop.risks.models import EnterpriseRiskProfile
from tests.alerts.conftest import TODAY, hazard_on
from tests.conftest import valid_uscc


def codes(enterprise_qs, enterprise):
    row = enterprise_qs.get(pk=enterprise.pk)
    return {code for code, _label in selectors.reasons_of(row)}


def scope():
    return Enterprise.objects.all()


def test_it_lists_nobody_without_a_reason(world):
    hazard_on(world.inside)  # open, not overdue, general
    EnterpriseRiskProfile.objects.create(enterprise=world.inside, level="orange")
    assert not selectors.key_units(scope()).exists()


def test_red_risk(world):
    EnterpriseRiskProfile.objects.create(enterprise=world.inside, level="red", red=1)
    assert codes(selectors.key_units(scope()), world.inside) == {KeyReason.RED_RISK}


def test_open_major_and_overdue(world):
    hazard_on(world.inside, level=Level.MAJOR)
    hazard_on(world.sibling, deadline=TODAY() - timedelta(days=1))
    hazard_on(world.outside, level=Level.MAJOR, state=State.CLOSED)  # closed: no reason
    units = selectors.key_units(scope())
    assert codes(units, world.inside) == {KeyReason.MAJOR_OPEN}
    assert codes(units, world.sibling) == {KeyReason.OVERDUE}
    assert not units.filter(pk=world.outside.pk).exists()


def test_expired_licence_unless_renewed(world):
    def add(enterprise, number, days, kind="safety_production", status="valid"):
        Licence.objects.create(
            enterprise=enterprise,
            kind=kind,
            number=number,
            authority="厅",
            valid_from=TODAY() - timedelta(days=2000),
            valid_to=TODAY() + timedelta(days=days),
            status=status,
        )

    add(world.inside, "A", -1)
    add(world.sibling, "B", -100)
    add(world.sibling, "C", 900)  # renewed
    add(world.outside, "D", 100, status="expired")  # marked expired by the authority
    units = selectors.key_units(scope())
    assert codes(units, world.inside) == {KeyReason.LICENCE_EXPIRED}
    assert not units.filter(pk=world.sibling.pk).exists()
    assert codes(units, world.outside) == {KeyReason.LICENCE_EXPIRED}


def test_an_accident_this_year_makes_a_key_unit_until_it_is_voided(world):
    def report(enterprise, days_ago):
        return accident_services.record(
            actor=world.user(Role.SYSTEM_ADMIN),
            enterprise=enterprise,
            occurred_at=timezone.now() - timedelta(days=days_ago),
            place="车间",
            summary="物体打击",
        )

    this_year = report(world.inside, 0)
    report(world.sibling, 400)  # last year (or earlier)
    units = selectors.key_units(scope(), reasons=[KeyReason.ACCIDENT])
    assert list(units.values_list("pk", flat=True)) == [world.inside.pk]
    assert codes(units, world.inside) == {KeyReason.ACCIDENT}
    ((_code, label),) = selectors.reasons_of(units.get())
    assert "车间" in label and timezone.localdate(this_year.occurred_at).isoformat() in label
    accident_services.void(
        actor=world.user(Role.COUNTY_ADMIN), accident=this_year, reason="误报", version=1
    )
    assert not selectors.key_units(scope(), reasons=[KeyReason.ACCIDENT]).exists()


def test_reasons_filter_and_several_reasons(world):
    EnterpriseRiskProfile.objects.create(enterprise=world.inside, level="red")
    hazard_on(world.inside, level=Level.MAJOR, deadline=TODAY() - timedelta(days=2))
    hazard_on(world.sibling, deadline=TODAY() - timedelta(days=1))
    units = selectors.key_units(scope())
    assert codes(units, world.inside) == {
        KeyReason.RED_RISK,
        KeyReason.MAJOR_OPEN,
        KeyReason.OVERDUE,
    }
    only_red = selectors.key_units(scope(), reasons=[KeyReason.RED_RISK])
    assert list(only_red.values_list("pk", flat=True)) == [world.inside.pk]


def test_deleted_enterprises_are_not_listed(world):
    hazard_on(world.inside, level=Level.MAJOR)
    Enterprise.all_objects.filter(pk=world.inside.pk).update(deleted_at=timezone.now())
    assert not selectors.key_units(Enterprise.objects.all()).exists()


@pytest.mark.parametrize("role", [*Role, None])
def test_a_user_sees_the_key_units_of_their_scope(world, role):
    for enterprise in (world.inside, world.sibling, world.outside):
        hazard_on(enterprise, level=Level.MAJOR)
    user = world.users[role]
    listed = set(selectors.key_units(user).values_list("pk", flat=True))
    assert listed == set(Enterprise.objects.for_user(user).values_list("pk", flat=True))


def test_a_new_enterprise_in_scope_appears(world):
    extra = Enterprise.objects.create(
        name="新企业", uscc=valid_uscc("640104", 9), region=world.county
    )
    hazard_on(extra, level=Level.MAJOR)
    assert extra.pk in set(
        selectors.key_units(world.user(Role.COUNTY_INSPECTOR)).values_list("pk", flat=True)
    )


def test_a_small_scope_reads_each_reason_for_its_own_enterprises_with_the_same_answer(
    world, monkeypatch
):
    """A scope of at most SMALL_SCOPE enterprises has every reason read for its ids; a
    larger one reads each reason whole. Both give the same list, reasons and counts."""
    EnterpriseRiskProfile.objects.create(enterprise=world.inside, level="red", red=1)
    hazard_on(world.inside, level=Level.MAJOR)
    hazard_on(world.sibling, deadline=TODAY() - timedelta(days=1))
    hazard_on(world.outside, level=Level.MAJOR)

    def answer():
        units = selectors.key_units(scope())
        return (
            {row.pk: {code for code, _ in selectors.reasons_of(row)} for row in units},
            selectors.key_unit_counts(scope()),
        )

    small = answer()
    monkeypatch.setattr(selectors, "SMALL_SCOPE", 0)
    assert answer() == small
    assert small[0] == {
        world.inside.pk: {KeyReason.RED_RISK, KeyReason.MAJOR_OPEN},
        world.sibling.pk: {KeyReason.OVERDUE},
        world.outside.pk: {KeyReason.MAJOR_OPEN},
    }
    assert small[1]["total"] == 3 and small[1][KeyReason.MAJOR_OPEN] == 2

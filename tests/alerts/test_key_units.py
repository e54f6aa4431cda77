"""The key units list (重点监管): each reason puts an enterprise on it and shows as a reason;
an enterprise without any is not on it; scope narrows it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.accidents import services as accident_services
from safeloop.alerts import keyunits, selectors
from safeloop.alerts.choices import KeyReason, RuleCode
from safeloop.alerts.models import KeyUnit, WarningRule
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards import services as hazard_services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from safeloop.risks.models import EnterpriseRiskProfile
from tests.alerts.conftest import TODAY, hazard_on
from tests.conftest import run_worker, valid_uscc


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


def kept():
    return {
        row.pk: {code for code, _ in selectors.reasons_of(row)}
        for row in selectors.listed_key_units(scope())
    }


def test_a_small_scope_reads_each_reason_for_its_own_enterprises_with_the_same_answer(
    world, monkeypatch
):
    """A scope of at most SMALL_SCOPE enterprises has every reason read for its ids; a
    larger one reads each reason whole. Both give the same list and reasons, and so does
    the kept list whether refreshed whole or enterprise by enterprise."""
    EnterpriseRiskProfile.objects.create(enterprise=world.inside, level="red", red=1)
    hazard_on(world.inside, level=Level.MAJOR)
    hazard_on(world.sibling, deadline=TODAY() - timedelta(days=1))
    hazard_on(world.outside, level=Level.MAJOR)

    def answer():
        units = selectors.key_units(scope())
        return {row.pk: {code for code, _ in selectors.reasons_of(row)} for row in units}

    small = answer()
    monkeypatch.setattr(selectors, "SMALL_SCOPE", 0)
    assert answer() == small
    assert small == {
        world.inside.pk: {KeyReason.RED_RISK, KeyReason.MAJOR_OPEN},
        world.sibling.pk: {KeyReason.OVERDUE},
        world.outside.pk: {KeyReason.MAJOR_OPEN},
    }
    assert keyunits.refresh() == {"listed": 3, "removed": 0, "changed": 3}
    assert kept() == small
    KeyUnit.objects.all().delete()
    for enterprise in (world.inside, world.sibling, world.outside):
        keyunits.refresh(enterprise_ids=[enterprise.pk])
    assert kept() == small
    counts = selectors.key_unit_counts(scope())
    assert counts["total"] == 3 and counts[KeyReason.MAJOR_OPEN] == 2
    assert counts[KeyReason.RED_RISK] == 1 and counts[KeyReason.OVERDUE] == 1
    assert counts[KeyReason.ACCIDENT] == 0
    county = selectors.key_unit_counts(Enterprise.objects.filter(region_code="640104"))
    assert county["total"] == 1 and county[KeyReason.RED_RISK] == 1


def test_a_refresh_adds_rewrites_and_removes_and_keeps_the_listing_date(world):
    first = hazard_on(world.inside, level=Level.MAJOR)
    overdue = hazard_on(world.sibling, deadline=TODAY() - timedelta(days=1))
    keyunits.refresh()
    listed = KeyUnit.objects.get(pk=world.inside.pk)
    assert listed.reasons == [KeyReason.MAJOR_OPEN]
    # a second reason rewrites the reasons, not the date it was listed
    hazard_on(world.inside, deadline=TODAY() - timedelta(days=2))
    assert keyunits.refresh(enterprise_ids=[world.inside.pk]) == {
        "listed": 1,
        "removed": 0,
        "changed": 1,
    }
    again = KeyUnit.objects.get(pk=world.inside.pk)
    assert set(again.reasons) == {KeyReason.MAJOR_OPEN, KeyReason.OVERDUE}
    assert again.listed_at == listed.listed_at and again.changed_at > listed.changed_at
    # nothing new: nothing written
    assert keyunits.refresh()["changed"] == 0
    # a refresh for one enterprise leaves the others as they are
    Hazard.objects.filter(pk=overdue.pk).update(state=State.CLOSED)
    Hazard.objects.filter(pk=first.pk).update(state=State.CLOSED)
    keyunits.refresh(enterprise_ids=[world.inside.pk])
    assert set(kept()) == {world.inside.pk, world.sibling.pk}
    assert kept()[world.inside.pk] == {KeyReason.OVERDUE}
    # the whole refresh removes the sibling, whose hidden danger closed
    assert keyunits.refresh() == {"listed": 1, "removed": 1, "changed": 0}
    assert set(kept()) == {world.inside.pk}
    assert keyunits.refresh(enterprise_ids=[]) == {"listed": 0, "removed": 0, "changed": 0}


def test_the_date_moves_an_enterprise_onto_the_list_at_the_hourly_refresh(world):
    hazard_on(world.inside, deadline=TODAY())  # due today: overdue tomorrow
    keyunits.refresh()
    assert kept() == {}
    keyunits.refresh(TODAY() + timedelta(days=1))
    assert kept() == {world.inside.pk: {KeyReason.OVERDUE}}


def test_a_deleted_enterprise_leaves_the_list_at_once(world):
    hazard_on(world.inside, level=Level.MAJOR)
    keyunits.refresh()
    Enterprise.objects.filter(pk=world.inside.pk).update(deleted_at=timezone.now())
    assert kept() == {}
    assert selectors.key_unit_counts(scope())["total"] == 0
    keyunits.refresh()
    assert not KeyUnit.objects.exists()


def test_an_empty_table_is_filled_after_migrate(world):
    from django.apps import apps

    hazard_on(world.inside, level=Level.MAJOR)
    keyunits.fill_after_migrate(apps.get_app_config("alerts"))
    assert kept() == {world.inside.pk: {KeyReason.MAJOR_OPEN}}
    Hazard.objects.update(state=State.CLOSED)
    keyunits.fill_after_migrate(apps.get_app_config("alerts"))  # not empty: left to the jobs
    assert kept() == {world.inside.pk: {KeyReason.MAJOR_OPEN}}


def waiting(task="alerts.refresh_key_unit"):
    return sorted(
        job.get("enterprise_id")
        for job in ProcrastinateJob.objects.filter(task_name=task, status="todo").values_list(
            "args", flat=True
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_queues_its_enterprise_and_the_worker_keeps_the_list(world):
    """Through the services, as a user changes records: each committed change queues one
    refresh of its enterprise (one while it waits), a rolled-back one nothing; the worker
    stores the list; a rule edit or an import of many rows queues the whole list."""
    run_worker(["alerts"])
    assert waiting() == []
    manager = world.user(Role.SAFETY_MANAGER)
    hazard, _created = hazard_services.register(
        actor=manager,
        enterprise=world.inside,
        level=Level.MAJOR,
        source="1",
        category="1",
        place="一号车间",
        description="防护罩缺失",
        deadline=TODAY() + timedelta(days=30),
    )
    Licence.objects.create(
        enterprise=world.sibling,
        kind="safety_production",
        number="X1",
        authority="厅",
        valid_from=TODAY() - timedelta(days=900),
        valid_to=TODAY() - timedelta(days=1),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        hazard_on(world.outside, level=Level.MAJOR)
        raise RuntimeError
    # a general hidden danger within its deadline is no reason: the write queues nothing
    hazard_services.register(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.outside,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="二号车间",
        description="通道堵塞",
        deadline=TODAY() + timedelta(days=30),
    )
    assert waiting() == sorted([world.inside.pk, world.sibling.pk])
    assert kept() == {}  # not in the request
    run_worker(["alerts"])
    assert waiting() == []
    assert kept() == {
        world.inside.pk: {KeyReason.MAJOR_OPEN},
        world.sibling.pk: {KeyReason.LICENCE_EXPIRED},
    }
    # the hidden danger voided by the county: the enterprise leaves the list
    hazard_services.void(
        actor=world.user(Role.COUNTY_ADMIN),
        hazard=hazard,
        reason="重复登记",
        version=Hazard.objects.get(pk=hazard.pk).version,
    )
    run_worker(["alerts"])
    assert set(kept()) == {world.sibling.pk}
    # a rule edit queues the whole list once
    rule = WarningRule.objects.get(code=RuleCode.TRAINING_GAP)
    rule.notes = "复核"
    rule.save()
    rule.save()
    assert waiting("alerts.refresh_key_units") == [None]
    # an import copies rows without saving them one by one: the whole list too
    run_worker(["alerts"])
    from safeloop.core.bulk import copy_insert

    with transaction.atomic():
        copy_insert(
            Hazard,
            [
                Hazard(
                    enterprise=world.outside,
                    region_code=world.outside.region_code,
                    state=State.RECTIFYING,
                    level=Level.MAJOR,
                    source="1",
                    category="1",
                    place="车间",
                    description="导入",
                    deadline=TODAY() + timedelta(days=9),
                )
            ],
        )
    assert waiting("alerts.refresh_key_units") == [None]
    run_worker(["alerts"])
    assert kept()[world.outside.pk] == {KeyReason.MAJOR_OPEN}


def test_the_refreshes_are_retried_after_a_dead_worker_and_the_whole_one_runs_hourly():
    from procrastinate.contrib.django import app

    from safeloop.core import stalled

    assert {"alerts.refresh_key_unit", "alerts.refresh_key_units"} <= stalled.RETRY_SAFE
    crons = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert crons["alerts.refresh_key_units"] == "3 * * * *"

"""The reporting chain (Art. 9, 11): every clock at its boundary with the clock moved, the
supervisors told at once, and who may report each step."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from safeloop.accidents import services
from safeloop.accidents.models import ReportingStepRule, ReportStep
from safeloop.core.errors import Invalid, NotFound, NotPermitted
from safeloop.core.models import Notification
from safeloop.orgs.roles import Role

T0 = timezone.now().replace(microsecond=0) - timedelta(days=2)


def steps(accident):
    return {s.level: s for s in ReportStep.objects.filter(accident=accident)}


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "late"), [(60, False), (61, True)])
def test_the_enterprise_has_one_hour_to_the_minute(world, make_accident, clock, minutes, late):
    clock.set(T0 + timedelta(minutes=minutes))
    accident = make_accident(occurred_at=T0)
    first = steps(accident)["enterprise"]
    assert first.due_at == T0 + timedelta(minutes=60)
    assert first.late is late
    assert accident.reported_late is late
    assert steps(accident)["county"].due_at == T0 + timedelta(minutes=minutes + 120)
    assert steps(accident)["city"].due_at is None


TWO_HOURS = timedelta(minutes=120)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("after", "late"), [(TWO_HOURS, False), (TWO_HOURS + timedelta(seconds=1), True)]
)
def test_each_level_up_has_two_hours_from_the_report_below(
    world, make_accident, clock, after, late
):
    clock.set(T0 + timedelta(minutes=30))
    accident = make_accident(occurred_at=T0)
    county_due = T0 + timedelta(minutes=150)
    clock.set(county_due - timedelta(minutes=120) + after)
    step = services.report_onward(
        actor=world.user(Role.COUNTY_ADMIN), accident=accident, level="county", note="已报市局"
    )
    assert step.late is late
    city = steps(accident)["city"]
    assert city.due_at == step.reported_at + timedelta(minutes=120)
    clock.set(city.due_at + (after - timedelta(minutes=120)))
    done = services.report_onward(
        actor=world.user(Role.CITY_ADMIN), accident=accident, level="city"
    )
    assert done.late is late


@pytest.mark.django_db
def test_an_unreported_step_past_due_is_overdue(world, make_accident, clock):
    clock.set(T0 + timedelta(minutes=10))
    accident = make_accident(occurred_at=T0)
    county = steps(accident)["county"]
    assert not county.overdue(county.due_at)
    assert county.overdue(county.due_at + timedelta(seconds=1))


@pytest.mark.django_db
def test_the_chain_follows_the_rules_in_force_on_the_day(world, make_accident, clock):
    ReportingStepRule.objects.create(
        level="enterprise", within_minutes=30, effective_from=T0.date(), source="测试修订"
    )
    clock.set(T0 + timedelta(minutes=45))
    accident = make_accident(occurred_at=T0)
    first = steps(accident)["enterprise"]
    assert (first.within_minutes, first.source, first.late) == (30, "测试修订", True)
    older = make_accident(occurred_at=T0 - timedelta(days=2))
    assert steps(older)["enterprise"].within_minutes == 60


@pytest.mark.django_db(transaction=True)
def test_the_county_and_the_city_are_told_at_once_by_inbox_and_email(world, make_accident,
                                                                      settings):  # fmt: skip
    settings.NOTIFY_BY_EMAIL = True
    county = world.user(Role.COUNTY_ADMIN)
    county.email = "county@example.cn"
    county.save()
    accident = make_accident()
    told = set(Notification.objects.filter(kind="accident").values_list("recipient", flat=True))
    expected = {world.user(r).pk for r in (Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR,
                                           Role.CITY_ADMIN, Role.CITY_INSPECTOR)}  # fmt: skip
    assert told == expected
    assert [m.to for m in mail.outbox] == [["county@example.cn"]]
    assert f"/accidents/{accident.pk}/" in mail.outbox[0].body


STEP_STATUS = {
    Role.SYSTEM_ADMIN: 403, Role.CITY_ADMIN: 403, Role.CITY_INSPECTOR: 403,
    Role.COUNTY_ADMIN: 200, Role.COUNTY_INSPECTOR: 200, Role.PARK_OFFICER: 403,
    Role.GRID_INSPECTOR: 403, Role.ENTERPRISE_PRINCIPAL: 403, Role.SAFETY_MANAGER: 403,
    Role.EXPERT: 403,
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(STEP_STATUS))
def test_who_reports_the_county_step_on_the_api(world, api, make_accident, role):
    accident = make_accident()
    response = api.as_user(world.user(role)).post(
        f"/api/v1/accidents/{accident.pk}/report-onward/", {"level": "county"}
    )
    assert response.status_code == STEP_STATUS[role], response.content


@pytest.mark.django_db
def test_outside_the_scope_it_is_404_and_order_is_kept(world, make_accident):
    accident = make_accident()
    outsider = make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    with pytest.raises(NotFound):
        services.report_onward(actor=world.user(Role.COUNTY_ADMIN), accident=outsider,
                               level="county")  # fmt: skip
    with pytest.raises(Invalid):
        services.report_onward(actor=world.user(Role.CITY_ADMIN), accident=accident, level="city")
    services.report_onward(actor=world.user(Role.COUNTY_ADMIN), accident=accident, level="county")
    with pytest.raises(Invalid):
        services.report_onward(actor=world.user(Role.COUNTY_ADMIN), accident=accident,
                               level="county")  # fmt: skip
    with pytest.raises(NotPermitted):
        services.report_onward(actor=world.user(Role.SAFETY_MANAGER), accident=accident,
                               level="city")  # fmt: skip

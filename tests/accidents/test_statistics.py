"""Accident statistics: figures by dimension with the year before and the change, voided
records not counted, the user's scope respected, on the screen, its export and the API."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.accidents import services, statistics
from safeloop.accidents.models import Accident
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_status


def at(year, month, day=10):
    return timezone.make_aware(datetime(year, month, day, 9, 0))


@pytest.fixture
def history(world, make_accident):
    admin = world.user(Role.SYSTEM_ADMIN)
    make_accident(occurred_at=at(2025, 3), deaths=1, serious_injuries=2, direct_loss=Decimal("100"))
    make_accident(occurred_at=at(2025, 3, 20), minor_injuries=3, direct_loss=Decimal("50"))
    make_accident(occurred_at=at(2025, 7), deaths=2, missing=1, direct_loss=Decimal("1000"))
    make_accident(occurred_at=at(2024, 3), deaths=1, direct_loss=Decimal("10"))
    make_accident(enterprise=world.outside, actor=admin, occurred_at=at(2025, 3), deaths=5)
    voided = make_accident(occurred_at=at(2025, 3, 25), deaths=9)
    services.void(actor=admin, accident=voided, reason="重复录入", version=1)


def by(rows):
    return {"Total" if row.key == "total" else row.label: row for row in rows}


@pytest.mark.django_db
def test_figures_by_month_with_the_year_before(world, history):
    scope = Accident.objects.for_user(world.user(Role.COUNTY_ADMIN), "view")
    rows = by(statistics.breakdown(scope, year=2025, by="month"))
    march = rows["3"]
    assert march.now == {"count": 2, "deaths": 1, "injuries": 5, "direct_loss": Decimal("150")}
    assert march.before["count"] == 1 and march.change("count") == Decimal("100.0")
    assert march.change("deaths") == Decimal("0.0")
    assert rows["7"].now["deaths"] == 3  # the missing count with the dead
    assert rows["7"].change("count") is None  # nothing the year before
    total = rows["Total"]
    assert total.now["count"] == 3 and total.before["count"] == 1


@pytest.mark.django_db
def test_the_city_sees_both_cities_for_the_system_admin_only(world, history):
    city = statistics.breakdown(statistics.accidents_in_scope(world.user(Role.CITY_ADMIN)),
                                year=2025, by="county")  # fmt: skip
    assert [r.label for r in city][:-1] == ["兴庆区"]
    everyone = statistics.breakdown(statistics.accidents_in_scope(world.user(Role.SYSTEM_ADMIN)),
                                    year=2025, by="grade")  # fmt: skip
    assert by(everyone)["Total"].now["count"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_screen_export_and_api_by_role(world, client, history, role):
    client.force_login(world.users[role])
    page = client.get("/accidents/statistics/?year=2025&by=sector", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(page, 200)
    export = client.get("/accidents/statistics.xlsx?year=2025&by=type")
    assert_status(export, 200)
    api = client.get("/api/v1/accidents/statistics/?year=2025&by=park")
    assert_status(api, 200)
    total = api.json()["rows"][-1]["now"]["count"]
    expected = {Role.SYSTEM_ADMIN: 4, None: 0, Role.EXPERT: 3}.get(role, 3)
    assert total == expected


@pytest.mark.django_db
def test_bad_input_is_400(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert_status(client.get("/accidents/statistics/?by=planet"), 400)
    assert_status(client.get("/api/v1/accidents/statistics/?year=abc"), 400)

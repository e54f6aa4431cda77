"""Moves notifying into the inbox, the statistics per scope with their exports, and the
public pages: overdue major hidden dangers without personal data, and the report form."""

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.hazards.test_views import hazard_on
from tests.photos import photo
from tests.scope import ROLES

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- inbox (tests/web/test_inbox.py)
def test_moves_notify_into_the_inbox(
    world, make_hazard, client, django_capture_on_commit_callbacks
):
    hazard = make_hazard()
    manager = world.user(Role.SAFETY_MANAGER)
    services.add_photo(hazard=hazard, actor=manager, upload=photo(), stage="after")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(hazard=hazard, actor=manager, evidence="已整改")
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    html = client.get("/inbox/").content.decode()
    assert "待您验收：冲压车间" in html


# ---------------------------------------------------------------- statistics
@pytest.fixture
def figures(world, departments):
    now = timezone.now()
    closed = hazard_on(world.inside, state=State.CLOSED, source="2")
    Hazard.objects.filter(pk=closed.pk).update(
        found_at=now - timedelta(days=10), accepted_at=now - timedelta(days=6)
    )
    hazard_on(world.inside, level=Level.MAJOR, deadline=TODAY() - timedelta(days=2))
    major_closed = hazard_on(world.inside, level=Level.MAJOR, state=State.CLOSED)
    Hazard.objects.filter(pk=major_closed.pk).update(
        found_at=now - timedelta(days=4), accepted_at=now
    )
    hazard_on(world.inside, state=State.VOIDED)
    hazard_on(world.sibling)
    hazard_on(world.outside, state=State.CLOSED)


def tile(html, name):
    return re.search(rf'data-stat="{name}"><span class="n[^"]*">([^<]*)<', html).group(1)


@pytest.mark.parametrize("role", ROLES)
def test_statistics_count_only_the_scope(world, figures, client, role):
    client.force_login(world.users[role])
    response = client.get("/hazards/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    counted = Hazard.objects.for_user(world.users[role]).exclude(state=State.VOIDED).count()
    assert tile(html, "total") == str(counted)
    expected = {Role.SYSTEM_ADMIN: 5, Role.CITY_ADMIN: 4, Role.CITY_INSPECTOR: 4, None: 0}
    assert counted == expected.get(role, 3)


def test_statistics_figures_for_a_county(world, figures, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/hazards/statistics/").content.decode()
    assert tile(html, "total") == "3"  # the voided one is not counted
    assert tile(html, "open") == "1"
    assert tile(html, "closed") == "2"
    assert tile(html, "rate") == "66.7%"
    assert tile(html, "major_rate") == "50.0%"
    assert 'class="n target-missed"' in html  # below the 100% target
    assert tile(html, "overdue") == "1"
    assert tile(html, "avg_days") == "4.0"
    for table in ["region", "sector", "level", "source", "month"]:
        assert f'id="table-{table}"' in html
    assert 'data-row="兴庆区"' in html and 'data-row="西夏区"' not in html
    assert 'data-row="重大"' in html and 'data-row="综合性排查"' in html
    assert f'data-row="{TODAY():%Y-%m}"' in html


@pytest.mark.parametrize("table", ["region", "sector", "level", "source", "month"])
def test_each_statistics_table_exports(world, figures, client, table):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get(f"/hazards/statistics/{table}.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][1] == "总数"
    assert sum(row[1] for row in rows[1:]) == 4
    if table == "region":
        assert {row[0] for row in rows[1:]} == {"兴庆区", "西夏区"}
    assert client.get("/hazards/statistics/nonsense.xlsx").status_code == 404


def test_statistics_exports_neutralise_formulas(world, client):
    world.sibling.region.name = "=cmd|' /C calc'!A0"
    world.sibling.region.save()
    hazard_on(world.sibling)
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get("/hazards/statistics/region.xlsx")
    names = [row[0] for row in list(load_workbook(BytesIO(response.content)).active.values)[1:]]
    assert names == ["'=cmd|' /C calc'!A0"]


# ---------------------------------------------------------------- public page
@pytest.fixture
def overdue_major(world, make_hazard):
    hazard = make_hazard(
        level=Level.MAJOR,
        deadline=TODAY() - timedelta(days=5),
        responsible_person="王五",
        reporter_contact="13800000000",
        funds_budgeted=Decimal("1"),
    )
    return hazard


def test_the_public_page_lists_overdue_major_hazards_without_personal_data(
    world, make_hazard, overdue_major, client
):
    make_hazard(level=Level.MAJOR)  # not overdue
    make_hazard(deadline=TODAY() - timedelta(days=5))  # overdue, but general
    make_hazard(level=Level.MAJOR, listed=False, deadline=TODAY() - timedelta(days=5))
    make_hazard(level=Level.MAJOR, state=State.CLOSED, deadline=TODAY() - timedelta(days=5))
    response = client.get("/public/hazards/overdue/")  # no sign-in
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r"<tr><td", html)
    assert len(rows) == 1
    assert "园区内企业" in html and "冲压车间" in html and "兴庆区工信局" in html
    assert (TODAY() - timedelta(days=5)).isoformat() in html
    for private in ["王五", "13800000000", "safety_manager", "county_admin", "张三"]:
        assert private not in html
    assert 'data-menu="' not in html and 'href="/hazards/' not in html


def test_the_public_report_creates_a_pending_hazard_and_shows_nothing_back(world, client):
    response = client.get("/public/report/")
    token = re.search(r'name="token" value="(\w+)"', response.content.decode()).group(1)
    data = {
        "token": token,
        "enterprise_name": "园区内企业",
        "place": "东门",
        "description": "消防通道被占用",
        "contact": "13900000000",
        "website": "",
    }
    response = client.post("/public/report/", data)
    assert response.status_code == 302 and response["Location"] == "/public/report/thanks/"
    hazard = Hazard.objects.get()
    assert hazard.state == State.PENDING and hazard.source == "report"
    assert hazard.reporter_contact == "13900000000" and hazard.created_by is None
    assert hazard.events.get().move == "report"
    thanks = client.get(response["Location"]).content.decode()
    assert "13900000000" not in thanks and "东门" not in thanks
    # a double submit of the same form adds nothing
    assert client.post("/public/report/", data).status_code == 302
    assert Hazard.objects.count() == 1
    # the enterprise's regulators find it in their to-do
    client.force_login(world.user(Role.GRID_INSPECTOR))
    assert f'data-hazard="{hazard.pk}"' in client.get("/hazards/?view=todo").content.decode()


def test_the_honeypot_keeps_robots_out(world, client):
    response = client.post(
        "/public/report/",
        {
            "token": "robot",
            "enterprise_name": "园区内企业",
            "place": "x",
            "description": "spam",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302 and not Hazard.objects.exists()


def test_the_public_report_is_rate_limited(world, client):
    for i in range(7):
        response = client.post(
            "/public/report/",
            {"token": f"t{i}", "enterprise_name": "园区内企业", "place": "x", "description": "y"},
        )
    assert response.status_code == 429
    assert "来自您网络的举报过多" in response.content.decode()
    assert Hazard.objects.count() == 5


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"enterprise_name": "不存在的企业"}, "enterprise_name", "没有找到该名称或代码的企业"),
        ({"description": ""}, "description", "该字段是必填项。"),
    ],
)
def test_public_report_errors_are_chinese(world, client, change, field, message):
    data = {"token": "t", "enterprise_name": "园区内企业", "place": "东门", "description": "占道"}
    response = client.post("/public/report/", {**data, **change})
    assert response.status_code == 400
    block = re.search(rf'data-field="{field}".*?</div>', response.content.decode(), re.S)
    assert message in block.group(0)
    assert not Hazard.objects.exists()

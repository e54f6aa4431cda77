"""Moves notifying into the inbox, the statistics per scope with their exports, and the
public pages: overdue major hidden dangers without personal data, and the report form."""

import re
from datetime import timedelta
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


# ---------------------------------------------------------------- old public pages
@pytest.mark.parametrize(
    "old, new",
    [
        ("/public/hazards/overdue/", "/public/exposure/"),
        ("/public/report/", "/public/reports/new/"),
        ("/public/report/thanks/", "/public/track/"),
    ],
)
def test_the_first_public_pages_redirect_to_the_public_app(db, client, old, new):
    """One public form and one exposure page: the old addresses, printed on posters and
    bookmarked, lead to them."""
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200

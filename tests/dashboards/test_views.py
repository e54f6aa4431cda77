"""The dashboards and their exports for every role, inside and outside scope."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from safeloop.dashboards import selectors, tallies
from safeloop.dashboards.models import HazardCount
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_hidden

TABLES = ["state", "level", "sector", "trend", "overdue", "risk_levels", "risk_colours"]
# What each regulator sees of the world's three hazards (inside, sibling county, other city).
SEES = {
    Role.SYSTEM_ADMIN: 3,
    Role.CITY_ADMIN: 2,
    Role.CITY_INSPECTOR: 2,
    Role.COUNTY_ADMIN: 1,
    Role.COUNTY_INSPECTOR: 1,
    Role.PARK_OFFICER: 1,
    Role.GRID_INSPECTOR: 1,
    Role.EXPERT: 1,
}


def _total(html, key):
    match = re.search(rf'data-total="{key}"[^>]*>\s*<span class="n">([^<]*)<', html)
    return match.group(1) if match else None


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_its_own_scope(world, client, three, role):
    client.force_login(world.users[role])
    response = client.get("/dashboards/")
    if role is None:
        assert_hidden(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    if role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER):
        assert _total(html, "open") == "1" and _total(html, "overdue") == "1"
        assert "石嘴山隐患" not in html
        return
    assert _total(html, "recorded") == str(SEES[role])
    assert _total(html, "overdue") == "1"
    panel = client.get("/dashboards/activity/").content.decode()  # loaded by the page
    for name in ("inspections", "selfchecks", "key_units", "warnings"):
        assert f'id="figure-{name}"' in panel
    for name in TABLES:
        assert f'id="chart-data-{name}"' in html


@pytest.mark.parametrize("role", ROLES)
def test_it_exports_each_figure_within_scope(world, client, three, role):
    client.force_login(world.users[role])
    response = client.get("/dashboards/export/state.xlsx")
    if role is None:
        assert_hidden(response)
        return
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    enterprise_staff = role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER)
    expected = 1 if enterprise_staff else SEES[role]
    assert sum(v for v in rows.values()) == expected
    # every other figure of the role's dashboard exports too; an unknown one is 404
    names = (
        ["level"]
        if enterprise_staff
        else [*TABLES, *([] if role == Role.PARK_OFFICER else ["area"])]
    )
    for name in names:
        assert client.get(f"/dashboards/export/{name}.xlsx").status_code == 200, name
    assert client.get("/dashboards/export/nothing.xlsx").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_an_area_outside_scope(world, client, three, role):
    client.force_login(world.users[role])
    for query in ("region=640202", f"park={world.park.pk + 999}"):
        response = client.get(f"/dashboards/?{query}")
        if role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER):
            assert response.status_code == 200  # their own loop; the area is ignored
        elif role == Role.SYSTEM_ADMIN and query.startswith("region"):
            assert response.status_code == 200
        else:
            assert_hidden(response)
        export = client.get(f"/dashboards/export/level.xlsx?{query}")
        assert export.status_code == response.status_code


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_INSPECTOR, Role.SYSTEM_ADMIN])
def test_it_drills_into_a_county_and_a_park(world, client, three, role):
    client.force_login(world.users[role])
    county = client.get("/dashboards/?region=640104").content.decode()
    assert _total(county, "recorded") == "1"
    assert f'data-drill="park-{world.park.pk}"' in county
    park = client.get(f"/dashboards/?park={world.park.pk}").content.decode()
    assert 'data-focus="park"' in park and _total(park, "recorded") == "1"


@pytest.mark.parametrize("area", ["", "region=640105", "region=640104", "park"])
def test_every_number_links_to_the_list_that_shows_it(world, client, three, area):
    """Follow each link of the city, a county and a park dashboard: the list's total is the
    number (risk points link to the enterprises holding them, so those are not compared)."""
    from safeloop.risks import services as risks

    manager = world.user(Role.SAFETY_MANAGER)
    point = risks.create_risk_point(actor=manager, enterprise=world.inside, name="釜", kind="place")
    risks.assess_risk_point(actor=manager, point=point, method="lec", lec_l=10, lec_e=6, lec_c=15)
    client.force_login(world.user(Role.CITY_ADMIN))
    query = f"park={world.park.pk}" if area == "park" else area
    html = client.get(f"/dashboards/?{query}").content.decode()
    cells = re.findall(r'<a href="(/hazards/\?[^"]+)" data-number>(\d+)</a>', html)
    tiles = re.findall(
        r'href="(/hazards/\?[^"]+)" data-total="(?!rate|major_rate|oldest)\w+" data-number>'
        r'\s*<span class="n">(\d+)<',
        html,
    )
    risk_levels = html[html.index('id="figure-risk_levels"') :]
    risk_levels = risk_levels[: risk_levels.index("</section>")]
    enterprises = re.findall(r'<a href="(/enterprises/\?[^"]+)" data-number>(\d+)</a>', risk_levels)
    enterprises += re.findall(
        r'href="(/enterprises/[^"]*)" data-total="enterprises" data-number>'
        r'\s*<span class="n">(\d+)<',
        html,
    )
    assert cells and tiles and len(enterprises) == 6
    for url, number in cells + tiles + enterprises:
        listing = client.get(url.replace("&amp;", "&")).content.decode()
        found = re.search(r'class="total">(\d+)', listing)
        assert found and found.group(1) == number, url


def test_a_regulator_finds_the_dashboard_one_tap_from_home(world, client, three):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    assert 'data-dock="dashboard"' in client.get("/").content.decode()
    assert 'data-focus="county"' in client.get("/dashboards/").content.decode()
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert "data-focus" not in client.get("/dashboards/").content.decode()


@pytest.mark.parametrize(
    "role", [Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.PARK_OFFICER]
)
def test_the_tallies_in_a_scope_equal_the_base_tables_in_that_scope(world, three, role):
    user = world.user(role)
    assert selectors.uses_tallies(user)
    dims = ["region_code", "park_id", "sector", "level", "state"]
    from_tallies = tallies.read(HazardCount, dims, user=user)
    from_base = tallies.hazard_counts(Hazard.objects.for_user(user), dims)
    assert sorted(map(str, from_tallies)) == sorted(map(str, from_base))
    assert not selectors.uses_tallies(world.user(Role.GRID_INSPECTOR))


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.PARK_OFFICER])
def test_the_dashboard_from_tallies_equals_the_one_from_base_tables(world, three, role):
    user = world.user(role)
    focus = selectors.focus_for(user)
    tallied = selectors.area_dashboard(user, focus)
    tallies.fold()
    folded = selectors.area_dashboard(user, focus)
    naive = selectors.area_dashboard(user, focus, from_base_tables=True)
    for other in (folded, naive):
        assert other["totals"] == tallied["totals"]
        assert [t.chart_data() for t in other["tables"]] == [
            t.chart_data() for t in tallied["tables"]
        ]


@pytest.mark.parametrize("role", ROLES)
def test_the_activity_panel_answers_the_area_roles_only(world, client, three, role):
    client.force_login(world.users[role])
    response = client.get("/dashboards/activity/")
    area_role = role is not None and role not in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER)
    assert response.status_code == (200 if area_role else 404)
    outside = client.get("/dashboards/activity/?region=640202")
    assert outside.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.PARK_OFFICER])
def test_the_overdue_figures_come_from_the_deadline_tally_band_by_band(world, register, role):
    """Open hidden dangers late by 0 to 400 days (each band's edges included), general and
    major, in and out of a park; closed and voided late ones count nowhere. The tallied
    dashboard reads none of them from the hazard table, and its overdue figures equal the
    base table's."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    today = timezone.localdate()
    for late in (0, 1, 7, 8, 30, 31, 90, 91, 365, 366, 400):
        for level in ("general", "major"):
            for enterprise in (world.inside, world.sibling):
                hazard = register(enterprise, level=level)
                Hazard.objects.filter(pk=hazard.pk).update(deadline=today - timedelta(days=late))
    for state in ("closed", "voided"):
        hazard = register(world.inside)
        Hazard.objects.filter(pk=hazard.pk).update(state=state, deadline=today - timedelta(days=10))
    assert tallies.differences() == []
    user = world.user(role)
    focus = selectors.focus_for(user)
    with CaptureQueriesContext(connection) as queries:
        tallied = selectors.area_dashboard(user, focus)
    assert not [q for q in queries if "hazards_hazard" in q["sql"]]
    naive = selectors.area_dashboard(user, focus, from_base_tables=True)
    totals = {t["key"]: t["value"] for t in tallied["totals"]}
    assert totals == {t["key"]: t["value"] for t in naive["totals"]}
    assert totals["overdue"] == 10 * 2 * (2 if role == Role.CITY_ADMIN else 1)
    assert totals["oldest"] == 400
    bands = {t.name: t for t in tallied["tables"]}["overdue"].chart_data()
    assert bands == {t.name: t for t in naive["tables"]}["overdue"].chart_data()
    assert [t.chart_data() for t in tallied["tables"]] == [t.chart_data() for t in naive["tables"]]

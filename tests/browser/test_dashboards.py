"""The city dashboard in Debian's chromium: its charts render from local assets, and a click
on a number opens the list of exactly those hidden dangers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services
from safeloop.hazards.choices import OPEN_STATES
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import User
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIGURES = ["state", "level", "sector", "area", "trend", "overdue", "risk_levels", "risk_colours"]


def test_the_city_dashboard_draws_its_charts_and_links_each_number(page, tmp_path, demo):
    inspector = User.objects.get(username="city_inspector")
    for i, enterprise in enumerate(Enterprise.objects.order_by("pk")[:4]):
        services.register(
            actor=inspector,
            enterprise=enterprise,
            level="major" if i == 0 else "general",
            source="1",
            category="1",
            place=f"车间{i}",
            description="防护缺失",
            deadline=timezone.localdate() + timedelta(days=20),
        )
    any_overdue = Hazard.objects.filter(
        state__in=OPEN_STATES, deadline__lt=timezone.localdate()
    ).exists()
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto("/dashboards/")
    for name in FIGURES:
        chart = page.locator(f"[data-chart={name}]")
        chart.wait_for()
        if name == "overdue" and not any_overdue:  # nothing overdue: it says so, no chart
            assert chart.get_attribute("data-rendered") == "empty"
            assert chart.inner_text() == "暂无数据"
            continue
        assert chart.get_attribute("data-rendered") == "true"
        assert chart.locator("canvas").count() >= 1
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    card = page.locator("#figure-level")
    card.locator(".dash-toggle").click()  # the table view of the same figure
    number = card.locator("tr[data-row=general] a[data-number]").nth(1)  # open, general
    expected = number.inner_text()
    general_open = Hazard.objects.filter(level="general", state__in=OPEN_STATES).count()
    assert expected == str(general_open)  # the demo's and the four registered here
    number.click()
    page.wait_for_url(re.compile(r".*/hazards/\?.*level=general.*"))
    assert page.locator(".total").inner_text().startswith(expected)
    assert page.locator("[data-hazard]").count() == min(general_open, 25)

    # the key units card (a table, no chart): its total opens the key units list
    page.goto("/dashboards/")
    units = page.locator("#figure-key_units tr[data-row=total] a[data-number]")
    expected = units.inner_text()
    units.click()
    page.wait_for_url(re.compile(r".*/alerts/key-units/.*"))
    assert expected in page.locator(".total").inner_text()


def test_the_map_sits_near_the_top_and_names_enterprises_it_cannot_draw(page, demo):
    from safeloop.risks.models import EnterpriseRiskProfile

    red = Enterprise.objects.order_by("pk").first()
    EnterpriseRiskProfile.objects.update_or_create(enterprise=red, defaults={"level": "red"})
    Enterprise.objects.filter(pk=red.pk).update(latitude=None, longitude=None)
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto("/dashboards/")
    missing = page.locator("#map-missing")
    missing.wait_for()
    assert missing.get_attribute("open") is not None  # a red one is missing: shown open
    first = missing.locator("#map-missing-list a").first
    assert first.inner_text() == red.name
    assert first.get_attribute("href") == f"/enterprises/{red.pk}/edit/"
    assert "家企业缺少坐标" in missing.inner_text()
    # The map comes before the figures.
    map_top = page.locator("#risk-map").bounding_box()["y"]
    assert map_top < page.locator(".dash-grid").bounding_box()["y"]


def test_a_figure_with_nothing_in_it_says_so_instead_of_drawing_equal_slices(page, demo):
    from safeloop.orgs.models import Park, Region

    empty = Park.objects.create(name="新建空园区", region=Region.objects.get(code="640181"))
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto(f"/dashboards/?park={empty.pk}")
    charts = page.locator(".dash-chart")
    assert charts.count() >= 5
    for i in range(charts.count()):
        chart = charts.nth(i)
        page.wait_for_function("el => el.dataset.rendered", arg=chart.element_handle())
        assert chart.get_attribute("data-rendered") == "empty", chart.get_attribute("data-chart")
        assert chart.inner_text() == "暂无数据"
        assert chart.locator("canvas").count() == 0

"""On a phone-size screen, a safety manager records a risk point, assesses it with the LS
matrix and adds a control measure; the four-colour map then draws the enterprise."""

from decimal import Decimal

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import User
from safeloop.risks.demo import ensure_reference_data
from safeloop.risks.models import RiskPoint
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_safety_manager_records_and_assesses_a_risk_point_on_a_phone(page, demo):
    ensure_reference_data()  # live-server tests truncate the tables the migration filled
    user = User.objects.get(username="safety_manager")
    enterprise_id = next(g.enterprise_id for g in user.grants() if g.enterprise_id)
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    page.goto(f"/risks/enterprises/{enterprise_id}/")
    page.click("#new-point")
    page.wait_for_url("**/points/new/")
    page.fill("#id_name", "3#液氨储罐")
    page.select_option("#id_kind", "equipment")
    page.fill("#id_post", "罐区操作工")
    page.click("#point-form button[type=submit]")
    page.wait_for_url("**/risks/points/*/")
    point = RiskPoint.objects.get(name="3#液氨储罐")

    page.click("#assess-point")
    page.wait_for_url(f"**/risks/points/{point.pk}/assess/")
    page.check("input[name=method][value=ls]")
    assert page.locator("[data-field=lec_l]").is_hidden()  # only the chosen method's inputs
    page.select_option("#id_ls_l", "4")
    page.select_option("#id_ls_s", "5")
    page.click("#assess-form button[type=submit]")
    page.wait_for_url(f"**/risks/points/{point.pk}/")
    assert page.locator("h1 .lv-red").count() == 1  # R = 20 → 重大

    page.click("#add-measure")
    page.fill("#id_description", "设置氨气泄漏报警并联锁切断")
    page.select_option("#id_kind", "engineering")
    page.select_option("#id_control_level", "workshop")
    page.fill("#id_responsible", "王五")
    page.select_option("#id_inspection_frequency", "daily")
    page.click("#measure-form button[type=submit]")
    page.wait_for_url(f"**/risks/points/{point.pk}/")
    assert "设置氨气泄漏报警" in page.locator("#measures").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    page.screenshot(path="var/screenshots/risk-point.png", full_page=True)

    # the demo's account enterprises have no coordinates: place this one (a model save moves
    # the map version, as the ledger's edit screen would)
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    enterprise.latitude, enterprise.longitude = Decimal("38.47361"), Decimal("106.28865")
    enterprise.save()
    # the unit form with its substance lines fits the phone too
    page.goto(f"/risks/enterprises/{enterprise_id}/units/new/")
    assert page.locator("fieldset.substance-line").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path="var/screenshots/risk-unit-form.png", full_page=True)

    page.goto("/risks/map/")
    page.wait_for_selector("#map-count:not(:empty)")
    assert page.locator("#map-count").inner_text().split()[0] == "1"

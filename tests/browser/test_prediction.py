"""A city inspector opens the predictive-targeting report from the menu on a phone and on a
desktop: the retrodiction figures, the gain chart drawn by the vendored charts library, and
the models kept; the page fits the screen."""

from datetime import date

import pytest

from safeloop.orgs.roles import Role
from safeloop.prediction import services
from tests.browser.test_shell import open_menu, sign_in
from tests.conftest import PASSWORD
from tests.prediction.conftest import plant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1440])
def test_the_report_reads_on_a_phone_and_a_desktop(page, world, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    plant(world, count=200, signal=True)
    services.evaluate(actor=world.user(Role.CITY_ADMIN), cutoff=date(2025, 12, 1), months=6)
    sign_in(page, Role.CITY_INSPECTOR.value, PASSWORD)
    page.wait_for_url("**/")
    open_menu(page, "prediction-report")
    page.wait_for_url("**/prediction/")
    page.wait_for_selector("#shares tr[data-order=model]")
    page.wait_for_selector("#gain-chart canvas")
    assert "预测模型" in page.inner_text("#shares")
    assert page.locator("#models tr[data-model]").count() == 2
    page.screenshot(path=f"var/screenshots/prediction-report-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.click("nav.tabs a[href='/prediction/rules/']")
    page.wait_for_selector("#rule-table")
    assert page.locator("#rule-form").count() == 0  # an inspector reads, never edits
    page.screenshot(path=f"var/screenshots/prediction-rules-{width}.png", full_page=True)

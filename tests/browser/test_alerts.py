"""On a phone-size screen, an early warning goes through its life: the enterprise's safety
manager acknowledges it, a regulator must say what was done before closing it."""

import pytest

from safeloop.alerts.choices import RuleCode
from safeloop.alerts.evaluation import evaluate_all
from safeloop.alerts.models import EarlyWarning
from safeloop.orgs.models import User
from tests.alerts.test_rules import licence
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_warning_is_acknowledged_then_closed_with_what_was_done(page, demo):
    manager = User.objects.get(username="safety_manager")
    enterprise = manager.role_assignments.get(enterprise__isnull=False).enterprise
    licence(enterprise, 10, number="(宁)预警测试[2026]01")
    evaluate_all()
    warning = EarlyWarning.objects.get(
        enterprise=enterprise,
        rule__code=RuleCode.LICENCE_EXPIRY,
        subject_label__contains="预警测试",
    )

    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    open_menu(page, "warning-list")
    page.wait_for_url("**/alerts/**")
    page.click(f"tr[data-warning='{warning.pk}'] a")
    page.wait_for_url(f"**/{warning.pk}/")
    assert page.locator("[data-move=close]").count() == 0  # only regulators close
    page.click("[data-move=acknowledge] summary")
    page.click("[data-move=acknowledge] button[type=submit]")
    page.wait_for_selector("#state:has-text('已知悉')")

    page.context.clear_cookies()
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto(f"/alerts/{warning.pk}/")
    page.click("[data-move=close] summary")
    page.click("[data-move=close] button[type=submit]")  # without saying what was done
    assert page.locator("[data-error=note]").is_visible()
    assert page.locator("#state").inner_text() == "已知悉"
    page.fill("[data-move=close] textarea", "许可证已换发，预警解除")
    page.click("[data-move=close] button[type=submit]")
    page.wait_for_selector("#state:has-text('已关闭')")
    warning.refresh_from_db()
    assert (warning.state, warning.note) == ("closed", "许可证已换发，预警解除")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

"""On a phone-size and on a desktop screen: a county administrator opens source control from
the menu, is refused an expert tied to the enterprise (in Chinese, on the expert field),
assigns an untied one, orders the enterprise to stop and rectify; its safety manager finds
the order on the to-do list and applies to resume."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.orgs.roles import Role
from safeloop.sourcecontrol import services
from safeloop.sourcecontrol.models import (
    ExpertAssignment,
    ExpertProfile,
    ServiceContract,
    StopOrder,
)
from tests.browser.test_shell import open_menu, sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pool(world):
    today = timezone.localdate()
    tied = ExpertProfile.objects.create(
        user=world.user(Role.EXPERT), name="赵专家", region_code="640104"
    )
    services.declare_relation(
        actor=world.user(Role.COUNTY_ADMIN),
        expert=tied,
        enterprise=world.inside,
        kind="employed",
    )
    free = ExpertProfile.objects.create(
        user=make_user("expert_qian", Role.EXPERT, enterprise=world.inside),
        name="钱专家",
        region_code="640104",
    )
    contract = ServiceContract.objects.create(
        number="XQ-2026-009",
        title="小微企业安全技术服务",
        provider="宁夏安评中心",
        region_code="640104",
        amount=Decimal("90000"),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )
    return tied, free, contract


@pytest.mark.parametrize("width", [390, 1440])
def test_an_expert_is_assigned_without_conflict_and_a_stop_order_walked(page, world, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    tied, free, contract = _pool(world)
    sign_in(page, "county_admin", PASSWORD)
    page.wait_for_url("**/")
    open_menu(page, "source-home")
    page.wait_for_url("**/source/")
    page.click("#source-tabs a[href='/source/contracts/']")
    page.click(f"#contract-table a:has-text('{contract.number}')")
    page.select_option("#id_expert", str(tied.pk))
    page.select_option("#id_enterprise", str(world.inside.pk))
    page.click("#assign-form button[type=submit]")
    error = page.locator("[data-field=expert] .errorlist")
    assert "存在利益冲突" in error.inner_text()
    page.screenshot(path=f"var/screenshots/source-conflict-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.select_option("#id_expert", str(free.pk))
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#assignment-table td:has-text('钱专家')")
    assert ExpertAssignment.objects.get().expert == free

    page.click("#source-tabs a[href='/source/stop-orders/']")
    page.select_option("#stop-form #id_enterprise", str(world.inside.pk))
    page.fill("#stop-form #id_number", "兴应急停〔2026〕9号")
    page.fill("#stop-form #id_reason", "除尘系统正压吹送粉尘")
    page.fill("#stop-form #id_requirements", "改为负压除尘并加装泄爆装置")
    page.click("#stop-form button[type=submit]")
    page.wait_for_selector("#state:has-text('停产整顿中')")
    page.screenshot(path=f"var/screenshots/source-stop-order-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    page.context.clear_cookies()
    sign_in(page, "safety_manager", PASSWORD)
    page.wait_for_url("**/")
    page.click("a:has-text('整改后申请复产')")
    page.fill("#apply-form textarea", "已改为负压除尘，加装泄爆片")
    page.click("#apply-form button[type=submit]")
    page.wait_for_selector("#state:has-text('已申请复产')")
    assert StopOrder.objects.get().state == "applied"
    page.goto(f"/source/inventory/{world.inside.pk}/")
    page.screenshot(path=f"var/screenshots/source-inventory-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

"""A county administrator invites an enterprise safety manager, who activates the account on
a phone (390×844) and rectifies a hidden danger of the enterprise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import User
from tests.browser.test_daily_path import jpeg
from tests.browser.test_shell import open_menu, sign_in
from tests.hazards.conftest import COMPLETE_PLAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Aq#Anquan2026x"


def test_a_county_admin_invites_a_safety_manager_who_activates_and_rectifies(
    page,
    browser,
    live_server,
    demo,
):
    admin = User.objects.get(username="county_admin")
    county = admin.role_assignments.get().region
    enterprise = Enterprise.objects.filter(region_code=county.code).order_by("pk").first()
    hazard = Hazard.objects.create(
        enterprise=enterprise,
        state=State.RECTIFYING,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="配电房",
        description="电缆裸露，未穿管保护",
        deadline=timezone.localdate() + timedelta(days=30),
        found_by=admin,
        **COMPLETE_PLAN,
    )

    sign_in(page, "county_admin")
    page.wait_for_url("**/")
    open_menu(page, "account-list")
    page.wait_for_url("**/accounts/")
    page.click("#new-account")
    page.fill("#id_username", "anquanyuan_new")
    page.fill("#id_full_name", "王安全")
    page.fill("#id_mobile", "13912345678")
    page.select_option("#id_role", "safety_manager")
    page.select_option("#id_enterprise", str(enterprise.pk))
    page.fill("#id_reason", "企业新任安全管理人员")
    page.click("#account-form button.primary")
    page.wait_for_url("**/accounts/*/")
    link = page.locator("#invitation-link").inner_text()
    assert "/activate/" in link

    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    mobile = phone.new_page()
    mobile.goto(link)
    assert "王安全" in mobile.locator("#activate-for").inner_text()
    mobile.fill("#id_password", PASSWORD)
    mobile.fill("#id_password2", PASSWORD)
    mobile.click("#activate-form button.primary")
    mobile.wait_for_url("**/login/**")
    sign_in(mobile, "13912345678", PASSWORD)  # the mobile number signs in like the username
    mobile.wait_for_url("**/")

    user = User.objects.get(username="anquanyuan_new")
    hazard.refresh_from_db()
    if "submit" not in services.allowed_moves(hazard, user):
        pytest.fail(f"submit not offered: {services.allowed_moves(hazard, user)}")
    mobile.goto(f"/hazards/{hazard.pk}/")
    mobile.click("[data-move=submit] summary")
    mobile.fill("#move-submit [name=submit-evidence]", "已整改完毕，现场复查合格")
    mobile.set_input_files("#id_submit-photos", jpeg((30, 160, 60)))  # the after photo
    mobile.click("#move-submit button.primary")
    mobile.wait_for_url(f"**/hazards/{hazard.pk}/")
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING
    assert hazard.submitted_by == user
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.close()

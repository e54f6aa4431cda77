"""On a phone-size screen, an enterprise's safety manager adds a second safety manager to
the record and removes the first: rows come and go without a page of their own."""

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import User
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_safety_manager_edits_the_list_of_safety_managers_on_a_phone(page, demo):
    user = User.objects.get(username="safety_manager")
    enterprise = Enterprise.objects.get(pk=user.role_assignments.get().enterprise_id)
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    page.goto(f"/enterprises/{enterprise.pk}/edit/")
    page.fill("#id_managers-0-name", "张三")
    page.fill("#id_managers-0-mobile", "13900000001")
    page.click("#add-manager")
    page.fill("#id_managers-1-name", "李四")
    page.fill("#id_managers-1-mobile", "1390000000x")
    page.click("button[type=submit].primary")
    # a bad mobile is a field error on its row, in Chinese; nothing is saved
    assert "请输入11位手机号码" in page.locator("[data-manager-row]").nth(1).inner_text()
    assert enterprise.safety_managers.count() == 0
    page.fill("#id_managers-1-mobile", "13900000002")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")
    assert "张三" in page.inner_text("#safety-managers")
    page.goto(f"/enterprises/{enterprise.pk}/edit/")
    page.check("#id_managers-0-DELETE")
    assert "removed" in page.locator("[data-manager-row]").first.get_attribute("class")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")
    assert [m.name for m in enterprise.safety_managers.all()] == ["李四"]

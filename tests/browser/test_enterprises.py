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


def test_a_city_officer_chooses_several_enterprises_of_a_list_too_long_to_draw(
    page, demo, settings
):
    """Several chosen from a searched list: each stays chosen while the next is searched."""
    from playwright.sync_api import expect

    from safeloop.training.models import Campaign

    settings.PICKER_LISTED = 1
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto("/training/campaigns/")
    select = page.locator("#id_enterprises")
    assert select.locator("option").count() == 0
    first, second = Enterprise.objects.for_user(User.objects.get(username="city_admin")).order_by(
        "name"
    )[:2]
    search = select.locator("xpath=preceding-sibling::input[@type='search']")
    for enterprise in (first, second):
        search.fill(enterprise.uscc)
        option = select.locator(f"option[value='{enterprise.pk}']")
        expect(option).to_have_count(1)
        select.evaluate(
            "(s, v) => { for (const o of s.options) if (o.value === v) o.selected = true; }",
            str(enterprise.pk),
        )
    search.fill("不存在的企业名称")
    expect(select.locator("option:checked")).to_have_count(2)
    page.fill("#id_title", "安全生产月企业负责人培训")
    page.select_option("#id_region", index=1)
    page.fill("#id_starts_on", "2026-06-01")
    page.fill("#id_ends_on", "2026-06-30")
    page.locator("#id_title").evaluate("e => e.form.requestSubmit()")
    page.wait_for_url("**/training/campaigns/*/")
    campaign = Campaign.objects.latest("pk")
    assert set(campaign.enterprises.all()) == {first, second}

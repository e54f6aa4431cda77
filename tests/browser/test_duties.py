"""Responsibility lists on a phone and on a desktop: the safety manager issues a post list
from the sector's template, adds a worker and records the paper signature; the principal
acknowledges the all-staff list from the to-do list."""

import pytest

from safeloop.duties.models import ResponsibilityList, Signatory
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_a_list_is_issued_signed_and_acknowledged(page, size, tmp_path, demo):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    open_menu(page, "duties-home")
    page.wait_for_url("**/duties/enterprises/*/")
    page.screenshot(path=tmp_path / f"duties-enterprise-{size}.png", full_page=True)
    page.select_option("#id_kind", "post")
    page.fill("#id_post", "没有模板的岗位")
    page.click("#issue-form button[type=submit]")
    assert page.locator("[data-field=items] .errorlist").is_visible()
    assert page.input_value("#id_post") == "没有模板的岗位"  # nothing typed is lost
    page.fill("#id_post", "班组长")
    page.click("#issue-form button[type=submit]")
    page.wait_for_url("**/duties/lists/*/")
    assert page.locator("#items li").count() >= 3
    page.fill("#id_person_name", "王强")
    page.fill("#id_post_name", "班组长")
    page.click("#signatory-form button[type=submit]")
    page.wait_for_selector("#signatories td:has-text('王强')")
    page.click("#signatories tr:has-text('王强') button")
    page.wait_for_selector("#signatories tr:has-text('王强'):has-text('纸质签字')")
    page.screenshot(path=tmp_path / f"duties-list-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    page.context.clear_cookies()
    sign_in(page, "principal")
    page.wait_for_url("**/")
    page.click("text=待签认：全员安全生产责任清单")
    page.wait_for_url("**/duties/lists/*/")
    page.click("text=本人已阅知并承诺履行")
    page.wait_for_selector("ul.messages:has-text('已签认')")
    rlist = ResponsibilityList.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    mine = Signatory.objects.get(rlist=rlist, user__username="principal")
    assert mine.acknowledged_at is not None and not mine.on_paper
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

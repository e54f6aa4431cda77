"""Sign in as a person would: the city administrator sees the Yinchuan hierarchy."""

import pytest

from safeloop.demo.seed import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")


def pick(page, select: str, enterprise) -> None:
    """Choose an enterprise in a picker as a user does: type its credit code in the search
    box before the select (a city's list is searched on the server), then choose it."""
    from playwright.sync_api import expect

    page.locator(select).locator("xpath=preceding-sibling::input[@type='search']").fill(
        enterprise.uscc
    )
    expect(page.locator(f"{select} option[value='{enterprise.pk}']")).to_have_count(1)
    page.select_option(select, str(enterprise.pk))


def open_menu(page, name: str) -> None:
    """Follow a main-menu entry as a user would: on a phone the menu first unfolds."""
    button = page.locator("#menu-button")
    if button.is_visible():
        button.click()
    page.click(f"nav.menu [data-menu={name}]")


def test_a_city_administrator_sees_the_yinchuan_hierarchy(page, demo):
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    assert "待办" in page.locator("h1").inner_text()  # every role lands on its to-do list
    open_menu(page, "org-tree")
    tree = page.locator("#org-tree").inner_text()
    for name in [
        "银川市",
        "兴庆区",
        "西夏区",
        "金凤区",
        "永宁县",
        "贺兰县",
        "灵武市",
        "银川经济技术开发区",
    ]:
        assert name in tree
    page.screenshot(path="var/screenshots/org-tree.png", full_page=True)


def test_a_wrong_password_shows_a_chinese_error_and_signs_nobody_in(page, demo):
    sign_in(page, "city_admin", "wrong-password")
    assert "/login/" in page.url
    assert page.locator("[role=alert]").count() == 1


def test_english_switch_and_sign_out(page, demo):
    sign_in(page, "county_admin")
    page.wait_for_url("**/")
    page.click("[data-lang=en]")
    page.wait_for_selector("text=Sign out")
    assert "Waiting for you" in page.locator("h1").inner_text()
    page.click("#logout")
    page.wait_for_url("**/login/")
    page.goto("/")
    assert "/login/" in page.url


def test_the_menu_of_an_enterprise_user_has_no_audit_log(page, demo):
    sign_in(page, "principal")
    page.wait_for_url("**/")
    menu = page.locator("nav.menu").inner_text()
    assert "审计日志" not in menu
    assert "首页" in menu


def test_the_app_serves_its_own_chinese_font(page):
    """Terminals without CJK fonts still read Chinese: the font comes from the app itself."""
    page.goto("/login/")
    faces = page.evaluate(
        """async () => {
            const faces = await document.fonts.load('16px "SafeLoop Sans"', '隐患排查治理');
            return faces.map(f => [f.family.replaceAll('"', ''), f.status]);
        }"""
    )
    assert faces == [["SafeLoop Sans", "loaded"]]
    requests = page.evaluate(
        "performance.getEntriesByType('resource').map(r => r.name).filter(n => n.endsWith('.woff'))"
    )
    assert len(requests) == 1 and requests[0].startswith(page.url.split("/login/")[0])

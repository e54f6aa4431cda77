"""On a phone-size screen, a safety manager registers a hidden danger, finds it in the
list and opens it: only the moves they may make are offered."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from safeloop.hazards import services
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import User
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_safety_manager_registers_a_hazard_on_a_phone(page, settings, tmp_path, demo):
    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 30, 30)).save(photo, format="JPEG")
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    open_menu(page, "hazard-list")
    page.wait_for_url("**/hazards/")
    page.click("#new-hazard")
    page.wait_for_url("**/hazards/new/")
    # the deadline belongs to "register"; the evidence field shows only for "on the spot"
    assert page.locator("[data-field=evidence]").is_hidden()
    # their only enterprise comes chosen
    assert page.locator("#id_enterprise option").count() == 1
    page.select_option("#id_source", "1")
    page.select_option("#id_category", "3")
    page.fill("#id_place", "配电房")
    page.fill("#id_description", "电缆裸露，未穿管保护")
    page.fill("#id_deadline_working_days", "10")
    page.set_input_files(
        "#id_photo", {"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    page.click("#register-submit")
    page.wait_for_url("**/hazards/*/")
    assert page.locator("#state").inner_text() == "整改中"
    hazard = Hazard.objects.latest("pk")
    thumbnail = page.locator("#photos img")
    assert thumbnail.count() == 1
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    page.click("text=返回列表")
    page.wait_for_url("**/hazards/")
    row = page.locator(f"[data-hazard='{hazard.pk}']")
    assert "配电房" in row.inner_text()
    row.locator("a.hazard-link").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")

    user = User.objects.get(username="safety_manager")
    offered = page.locator("[data-move]").evaluate_all("els => els.map(e => e.dataset.move)")
    assert set(offered) <= set(services.allowed_moves(hazard, user))
    assert set(offered) == {"plan", "submit", "request_extension"}
    assert page.locator("text=撤销").count() == 0  # voiding is for regulators
    # nothing overflows the phone's width
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    page.screenshot(path="var/screenshots/hazard-detail.png", full_page=True)


def test_a_regulator_finds_the_enterprise_by_pinyin_initials_or_code(page, demo):
    from safeloop.enterprises.models import Enterprise

    sign_in(page, "county_inspector")
    page.wait_for_url("**/")
    page.goto("/hazards/new/")
    select = page.locator("#id_enterprise")
    total = select.locator("option[value]:not([value=''])").count()
    assert total >= 2
    search = page.locator(".picker-search")
    assert search.get_attribute("placeholder") == "输入名称、拼音首字母或统一社会信用代码查找"
    values = select.locator("option[value]:not([value=''])").evaluate_all(
        "os => os.map(o => o.value)"
    )
    target = Enterprise.objects.get(pk=values[-1])
    search.fill(target.pinyin_initials)
    shown = select.locator("option[value]:not([value=''])")
    assert 1 <= shown.count() < total
    assert target.name in shown.all_inner_texts()
    search.fill(target.uscc.lower())  # the code, typed in any case
    assert select.locator("option[value]:not([value=''])").all_inner_texts() == [target.name]
    assert select.input_value() == str(target.pk)  # the only match is chosen
    search.fill("不存在的企业名称")
    assert page.locator(".picker-none").is_visible()


def test_a_city_inspector_finds_one_enterprise_of_a_list_too_long_to_draw(page, demo, settings):
    """The list is searched on the server as the inspector types; what was chosen stays
    chosen when the form comes back with an error."""
    from safeloop.enterprises.models import Enterprise

    settings.PICKER_LISTED = 1
    sign_in(page, "city_inspector")
    page.wait_for_url("**/")
    page.goto("/hazards/new/")
    select = page.locator("#id_enterprise")
    assert select.locator("option[value]:not([value=''])").count() == 0
    target = Enterprise.objects.for_user(User.objects.get(username="city_inspector")).order_by(
        "-name"
    )[0]
    search = page.locator(".picker-search")
    search.fill(target.uscc.lower())
    expect(select).to_have_value(str(target.pk))  # the only match is chosen
    assert select.locator("option[value]:not([value=''])").all_inner_texts() == [target.name]
    # another one searched: it is offered, and the one chosen stays chosen
    other = Enterprise.objects.for_user(User.objects.get(username="city_inspector")).order_by(
        "name"
    )[0]
    search.fill(other.uscc)
    expect(select.locator(f"option[value='{other.pk}']")).to_have_count(1)
    expect(select).to_have_value(str(target.pk))
    search.fill("不存在的企业名称")
    page.locator(".picker-none").wait_for(state="visible")
    assert select.input_value() == str(target.pk)  # still chosen
    page.click("#register-submit")  # nothing else filled in: sent back with errors
    page.wait_for_load_state()
    assert page.locator("#id_enterprise").input_value() == str(target.pk)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/screenshots/picker-remote.png", full_page=True)

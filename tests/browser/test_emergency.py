"""On a phone-size and on a desktop screen, a county administrator opens an incident,
dispatches the nearest team the page suggests, walks the task to release, closes the incident
and opens its after-action report with one tap."""

import pytest

from safeloop.emergency.models import Drill, Incident
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_an_incident_is_opened_the_nearest_team_dispatched_and_closed(page, width, demo):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    sign_in(page, "county_admin")
    page.wait_for_url("**/")
    open_menu(page, "emergency-home")
    page.wait_for_url("**/emergency/")
    page.click("#incidents")
    page.click("#new-incident")
    page.fill("#id_title", "浏览器测试泄漏事件")
    page.select_option("#id_region", label="兴庆区")
    page.fill("#id_place", "兴庆区工业园")
    page.fill("#id_latitude", "38.47")
    page.fill("#id_longitude", "106.29")
    page.select_option("#id_grade", "general")
    page.fill("#id_commander", "区应急局局长")
    page.click("#emergency-form button[type=submit]")
    page.wait_for_selector("#state:has-text('处置中')")
    incident = Incident.objects.get(title="浏览器测试泄漏事件")

    first = page.locator("#suggestions li").first
    name = first.locator("strong").inner_text()
    first.locator("input[name=instruction]").fill("赶赴现场侦检")
    first.locator("button[type=submit]").click()
    page.wait_for_selector(f"#task-table td:has-text('{name}')")
    for move, label in [("set_off", "在途"), ("arrive", "到场"), ("release", "已解除")]:
        page.click(f"#task-table button[data-move={move}]")
        page.wait_for_selector(f"#task-table .task-state:has-text('{label}')")
    page.screenshot(path=f"var/screenshots/emergency-incident-{width}.png", full_page=True)

    page.fill("#close-form textarea[name=summary]", "泄漏已控制，无人员伤亡。")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#report-pdf")
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.tasks.get().state == "released"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    link = page.locator("#report-pdf")  # the report is one tap from the incident
    assert link.is_visible()
    report = page.request.get(link.get_attribute("href"))
    assert report.status == 200 and report.headers["content-type"] == "application/pdf"
    assert report.body().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("url", "shot"),
    [
        ("/emergency/", "emergency-home"),
        ("/emergency/resources/", "emergency-resources"),
        ("/emergency/resources/import/", "emergency-resources-import"),
        ("/emergency/nearest/?kind=team&latitude=38.47&longitude=106.29&n=5", "emergency-nearest"),
        ("/emergency/rules/", "emergency-rules"),
        ("/emergency/plans/", "emergency-plans"),
        ("/emergency/drills/", "emergency-drills"),
        ("/emergency/preparedness/", "emergency-gaps"),
        ("/emergency/duty/", "emergency-duty"),
        ("/emergency/duty/log/", "emergency-duty-log"),
    ],
)
def test_the_emergency_pages_fit_a_phone(page, url, shot, demo):
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto(url)
    page.wait_for_selector("main h1")
    page.screenshot(path=f"var/screenshots/{shot}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_a_safety_manager_plans_holds_and_evaluates_a_drill_on_a_phone(page, demo):
    sign_in(page, "safety_manager")
    page.goto("/emergency/")
    page.click("#drills")
    page.click("#new-drill")
    page.select_option("#id_plan", index=1)
    page.fill("#id_scenario", "浏览器测试：仓库火灾疏散演练")
    page.select_option("#id_mode", "live")
    page.fill("#id_planned_on", "2026-01-05")
    page.click("#emergency-form button[type=submit]")
    page.wait_for_selector("#state:has-text('已计划')")
    page.fill("#hold-form input[name=held_on]", "2026-01-05")
    page.fill("#hold-form input[name=participants]", "0")
    page.click("#hold-form button[type=submit]")
    page.wait_for_selector("#hold-form .errorlist")
    assert page.input_value("#hold-form input[name=held_on]") == "2026-01-05"
    page.fill("#hold-form input[name=participants]", "32")
    page.click("#hold-form button[type=submit]")
    page.wait_for_selector("#state:has-text('已举行')")
    page.fill("#evaluate-form textarea[name=evaluation]", "疏散有序，广播不清。")
    page.fill("#evaluate-form textarea[name=improvements]", "应急广播音量不足\n疏散指示标志被遮挡")
    page.fill("#evaluate-form input[name=deadline]", "2027-03-01")
    page.click("#evaluate-form button[type=submit]")
    page.wait_for_selector("#state:has-text('已评估')")
    assert page.locator("#improvements li").count() == 2
    page.screenshot(path="var/screenshots/emergency-drill.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    drill = Drill.objects.get(scenario="浏览器测试：仓库火灾疏散演练")
    assert drill.state == "evaluated" and drill.improvements.count() == 2


def test_the_risk_map_draws_the_emergency_layer_on_demand(page, demo):
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto("/risks/map/")
    page.wait_for_selector("#risk-map")
    assert page.locator(".em-icon").count() == 0
    page.check("#map-emergency")
    page.wait_for_selector(".em-incident")
    everything = page.locator(".em-icon").count()
    assert everything > 5
    page.select_option("#map-emergency-kind", "team")
    page.wait_for_function("n => document.querySelectorAll('.em-icon').length < n", arg=everything)
    assert page.locator(".em-icon:not(.em-incident):not(.em-team)").count() == 0
    page.screenshot(path="var/screenshots/risk-map-emergency.png", full_page=True)
    page.uncheck("#map-emergency")
    page.wait_for_function("() => document.querySelectorAll('.em-icon').length === 0")

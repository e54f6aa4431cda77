"""A park's annual risk assessment on a phone and on a desktop: the park officer completes
last year's draft, adds a measure and submits it; the city administrator approves a reviewed
assessment and its indicators freeze; the report opens as a PDF from the page."""

import pytest
from django.utils import timezone

from safeloop.parkrisk.models import ParkAssessment
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_a_park_assessment_is_written_submitted_and_approved(page, size, tmp_path, demo):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    year = timezone.localdate().year - 1
    draft = ParkAssessment.objects.get(park__name="银川经济技术开发区", year=year)

    sign_in(page, "park_officer")
    page.wait_for_url("**/")
    open_menu(page, "parkrisk-list")
    page.wait_for_url("**/parkrisk/")
    page.screenshot(path=tmp_path / f"parkrisk-list-{size}.png", full_page=True)
    page.click(f"tr[data-assessment='{draft.pk}'] a")
    page.wait_for_url(f"**/parkrisk/{draft.pk}/")
    page.click("#move-submit")  # the texts are not complete yet
    assert page.locator("[data-field=expert_opinion] .errorlist").is_visible()
    assert page.locator("#state").inner_text() == "草稿"
    page.fill("#id_expert_opinion", "储罐区防火间距不足的企业已列入整改计划。")
    page.select_option("#id_overall_level", "C")
    page.fill("#id_conclusion", "园区整体安全风险为一般风险。")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("ul.messages")
    page.fill("#id_text", "完善园区应急池")
    page.fill("#id_owner", "开发区安全办 王建国")
    page.fill("#id_deadline", timezone.localdate().isoformat())
    page.click("#measure-form button[type=submit]")
    page.wait_for_selector("#measures td:has-text('完善园区应急池')")
    page.screenshot(path=tmp_path / f"parkrisk-draft-{size}.png", full_page=True)
    page.click("#move-submit")
    page.wait_for_selector("#state:has-text('已提交')")
    report = page.request.get(page.locator("#report-link").get_attribute("href"))
    assert report.status == 200 and report.body()[:5] == b"%PDF-"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    reviewed = ParkAssessment.objects.get(park__name="苏银产业园", state="reviewed")
    page.context.clear_cookies()
    sign_in(page, "city_admin")
    page.wait_for_url("**/")
    page.goto(f"/parkrisk/{reviewed.pk}/")
    page.click("#move-approve")
    page.wait_for_selector("#state:has-text('已批准')")
    assert "批准时冻结" in page.locator("main").inner_text()
    page.screenshot(path=tmp_path / f"parkrisk-approved-{size}.png", full_page=True)
    reviewed.refresh_from_db()
    assert reviewed.frozen_at is not None and reviewed.indicators["enterprises"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

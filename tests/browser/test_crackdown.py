"""On a phone-size and on a desktop screen, a county inspector registers an unlicensed
workshop found on patrol, verifies and files it, bans it with the decision's PDF (one tap from
the case), follows it up with two re-visits finding it closed and closes the case; then the
campaign page (targets against what was achieved) and the statistics are looked at."""

import pytest

from safeloop.crackdown.models import Case
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("width", [390, 1440])
def test_a_case_is_registered_banned_followed_up_and_closed(page, width, demo):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    sign_in(page, "county_inspector")
    page.wait_for_url("**/")
    open_menu(page, "crackdown-list")
    page.wait_for_url("**/crackdown/")
    page.wait_for_selector("#overdue-note")  # the demo's overdue re-visit is said at once
    page.screenshot(path=f"var/screenshots/crackdown-list-{width}.png", full_page=True)
    _fits(page, width)
    page.click("#new-case")
    page.select_option("#id_source", "patrol")
    page.fill("#id_subject_name", "浏览器测试无证作坊")
    page.select_option("#id_region", label="兴庆区")
    page.fill("#id_location", "通贵乡通西村五队")
    page.fill("#id_facts", "无证从事木材加工，现场无消防设施。")
    page.screenshot(path=f"var/screenshots/crackdown-new-{width}.png", full_page=True)
    page.click("#case-form button[type=submit]")
    page.wait_for_selector("#case-state:has-text('已登记')")
    case = Case.objects.get(subject_name="浏览器测试无证作坊")

    page.click("#move-verify button[type=submit]")
    page.wait_for_selector("#case-state:has-text('核查中')")
    page.fill("#move-file textarea[name=verification]", "无营业执照，属非法生产。")
    page.click("#move-file button[type=submit]")
    page.wait_for_selector("#case-state:has-text('处置中')")
    page.select_option("#move-add_action select[name=kind]", "ban")
    page.fill("#move-add_action input[name=document_number]", "兴应急取字〔2026〕99号")
    page.set_input_files(
        "#move-add_action input[name=document]",
        files=[{"name": "决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#move-add_action button[type=submit]")
    page.wait_for_selector("#action-table a:has-text('兴应急取字〔2026〕99号')")
    link = page.locator("#action-table a:has-text('兴应急取字〔2026〕99号')")
    document = page.request.get(link.get_attribute("href"))
    assert document.status == 200 and document.body().startswith(b"%PDF-")
    page.click("#move-follow button[type=submit]")
    page.wait_for_selector("#case-state:has-text('跟踪回访')")
    for note in ["门窗已封闭", "无生产迹象"]:
        page.fill("#move-revisit input[name=note]", note)
        page.click("#move-revisit button[type=submit]")
        page.wait_for_selector(f"#revisit-table td:has-text('{note}')")
    page.screenshot(path=f"var/screenshots/crackdown-case-{width}.png", full_page=True)
    _fits(page, width)
    page.click("#move-close button[type=submit]")
    page.wait_for_selector("#case-state:has-text('已结案')")
    case.refresh_from_db()
    assert case.state == "closed" and case.follow_ups.count() == 2

    page.click(".tabs a[href='/crackdown/campaigns/']")
    page.click("#campaign-table a >> nth=0")
    page.wait_for_selector("#target-table")
    page.screenshot(path=f"var/screenshots/crackdown-campaign-{width}.png", full_page=True)
    _fits(page, width)
    page.click(".tabs a[href='/crackdown/statistics/']")
    page.wait_for_selector("#by-county")
    page.screenshot(path=f"var/screenshots/crackdown-stats-{width}.png", full_page=True)
    _fits(page, width)
    assert page.locator("#xlsx").is_visible()

"""On a phone-size screen, the demo safety manager opens today's self-check tasks, records
one as abnormal and fixed on the spot, and sees the record with its hidden danger."""

import pytest

from safeloop.hazards.models import Hazard
from safeloop.selfchecks.models import SelfCheckRecord
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_safety_manager_records_a_self_check_on_a_phone(page, settings, tmp_path, demo):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    open_menu(page, "selfcheck-mine")
    page.wait_for_url("**/selfchecks/")
    page.locator(".sc-card.sc-pending a").first.click()
    page.wait_for_url("**/selfchecks/tasks/*/")
    # the hidden-danger fields show only for an abnormal result
    assert page.locator("[data-field=hazard_action]").is_hidden()
    page.check("input[name=result][value=abnormal]")
    assert page.locator("[data-field=hazard_action]").is_visible()
    page.fill("#id_note", "煤气报警仪显示故障")
    page.select_option("#id_hazard_action", "fix_on_spot")
    page.fill("#id_evidence", "已更换报警仪探头并测试联锁")
    page.click("#record-submit")
    page.wait_for_selector("#record")
    assert page.locator("#task-state").inner_text() == "已完成"
    assert page.locator("#hazard-link").is_visible()
    record = SelfCheckRecord.objects.get(note="煤气报警仪显示故障")
    assert Hazard.objects.get(pk=record.hazard_id).state == "awaiting"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1

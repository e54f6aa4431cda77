"""On a phone-size screen, the county inspector opens the visit assigned to them, answers
every item (one fails), photographs the finding, both sign on screen, and submits while the
connection is down: the answers wait on the phone and go out once it is back, once."""

import io

import pytest
from PIL import Image

from safeloop.hazards.models import Hazard
from safeloop.inspections.choices import VisitState
from safeloop.inspections.models import Visit, VisitResult
from tests.browser.test_shell import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign(page, field):
    canvas = page.locator(f"canvas[data-signature={field}]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(x + 20 + step * 35, y + box["height"] * (0.7 - 0.08 * (step % 3)))
    page.mouse.up()


def test_an_inspector_does_a_visit_on_a_phone_and_submits_after_going_offline(
    page,
    settings,
    tmp_path,
    demo,
):
    settings.MEDIA_ROOT = tmp_path
    visit = Visit.objects.get(inspector__username="county_inspector")
    photo = io.BytesIO()
    Image.new("RGB", (160, 120), (40, 90, 160)).save(photo, format="JPEG")

    sign_in(page, "county_inspector")
    page.wait_for_url("**/")
    open_menu(page, "inspection-plans")
    page.click("[data-nav=mine]")
    page.locator(f"[data-visit='{visit.pk}'] a.visit-link").click()
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/")

    items = page.locator("fieldset.item")
    count = items.count()
    assert count >= 5
    page.click("#visit-submit")  # nothing answered: every item is marked
    page.locator("fieldset.item.has-error").first.wait_for()
    assert page.locator("fieldset.item.has-error").count() == count
    progress = page.locator("#visit-progress [data-progress-text]")
    assert progress.inner_text() == f"已答 0 / {count} 项"
    items.first.locator("label.outcome-pass").click()
    assert progress.inner_text() == f"已答 1 / {count} 项"
    buttons = page.locator("[data-all-pass]")  # 全部符合, one per checklist
    for i in range(buttons.count()):
        buttons.nth(i).click()
    assert progress.inner_text() == f"已答 {count} / {count} 项"
    assert page.locator("fieldset.item input[value=pass]:checked").count() == count
    assert page.locator("fieldset.item.has-error").count() == 0  # fixed: the errors went
    assert page.locator("fieldset.item [data-errors-for] .errors").count() == 0
    failed = items.first
    item_id = failed.get_attribute("data-item")
    assert failed.locator("[data-finding]").is_hidden()
    failed.locator("label.outcome-fail").click()
    assert failed.locator("[data-finding]").is_visible()  # the finding is pre-filled
    assert failed.locator(f"[name=description_{item_id}]").input_value()
    failed.locator(f"[name=place_{item_id}]").fill("一号车间除尘器")
    failed.locator(f"[name=note_{item_id}]").fill("现场发现")
    failed.locator(f"[name=photos_{item_id}]").set_input_files(
        {"name": "finding.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    page.fill("#representative", "企业安全员")
    sign(page, "inspector_signature")
    sign(page, "representative_signature")
    assert page.locator("[name=inspector_signature]").input_value().startswith("data:image/png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    page.context.set_offline(True)
    page.click("#visit-submit")
    status = page.locator("#sync-status")
    status.wait_for(state="visible")
    assert "联网后" in status.inner_text() or "连接" in status.inner_text()
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ASSIGNED

    page.context.set_offline(False)  # the browser's "online" event sends the queued answers
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/", wait_until="load")
    page.locator("#record-pdf").wait_for()
    # the confirmation, in the first screen
    assert "检查结果已记录" in page.locator(".messages").inner_text()
    assert page.locator(".messages").bounding_box()["y"] < 844
    visit.refresh_from_db()
    assert visit.state == VisitState.SUBMITTED
    assert VisitResult.objects.filter(visit=visit).count() == count
    hazard = Hazard.objects.get(place="一号车间除尘器")
    assert hazard.enterprise_id == visit.enterprise_id
    assert VisitResult.objects.get(hazard=hazard).photos.count() == 1
    assert page.locator(".hazard-link").count() == 1
    assert page.evaluate("Object.keys(localStorage).length") == 0  # nothing left queued
    page.screenshot(path="var/screenshots/inspection-visit.png", full_page=True)


def test_a_planner_previews_the_dispatch_filters_it_and_dispatches_what_was_shown(page, demo):
    from safeloop.inspections.models import Plan

    plan = Plan.objects.get(title__contains="综合督查")
    before = Visit.objects.filter(plan=plan).count()
    sign_in(page, "county_admin")
    page.wait_for_url("**/")
    page.goto(f"/inspections/plans/{plan.pk}/")
    page.click("#assign")
    page.wait_for_url(f"**/inspections/plans/{plan.pk}/preview/")
    page.locator("#proposal").wait_for()
    rows = page.locator("#proposal details.inspector")
    counts = [int(rows.nth(i).get_attribute("data-count")) for i in range(rows.count())]
    shown = sum(counts)
    assert shown > 0
    assert "周" in page.locator("#proposal tbody td").first.inner_text()
    page.click("#dispatch-submit")
    page.wait_for_url(f"**/inspections/plans/{plan.pk}/")
    assert Visit.objects.filter(plan=plan).count() == before + shown
    assert f"已派发{shown}项检查任务" in page.locator("body").inner_text()
    page.goto("/inspections/calendar/?month=2026-10")
    assert page.locator("#calendar .weekday").first.inner_text() == "周一"
    assert page.locator("[data-day='2026-10-10'] .mark").inner_text() == "班"

"""Credit walked as its users walk it, on a phone and on a desktop screen.

The enterprise's safety manager opens its credit record from the menu: the score, the grade
and each event with the link to where it came from. A county inspector voids a wrong event
with its reason (sent first without one: the error in Chinese beside the field) and the score
goes back up.

A proposal to list the enterprise as seriously dishonest is served on it, the enterprise
objects, the county administrator decides to list it and publishes it on /public/credit/; a
year on, the enterprise applies for credit repair (sent first without its commitment: the
reasons typed are kept), the administrator approves and the listing is gone from the public
page.

Every page visited is screenshot, fits the screen's width and shows no code words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.credit import scoring
from safeloop.credit import services as credit
from safeloop.credit.demo import ensure_rules
from safeloop.credit.models import CreditEvent, CreditRecord, Listing
from tests.browser.test_enforcement import as_user
from tests.browser.test_enforcement import looked_at as enforcement_looked_at
from tests.browser.test_shell import open_menu
from tests.enforcement.conftest import make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1440, 900)]


def looked_at(page, name: str) -> None:
    enforcement_looked_at(page, name, prefix="credit")


def listing_move(page, move: str, text: str | None = None) -> None:
    form = f"form[data-move={move}]"
    if text is not None:
        page.fill(f"{form} [name=text]", text)
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_the_record_shows_score_grade_and_sources_and_a_regulator_voids_an_event(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    ensure_rules()
    hazard = make_hazard(world.inside, days_left=-5)
    scoring.run(timezone.localdate())
    record = CreditRecord.objects.get(enterprise=world.inside, key="e")
    event = CreditEvent.objects.get(record=record, kind="hazard_overdue")
    assert record.score < 100

    as_user(page, "safety_manager")
    open_menu(page, "credit-list")
    page.wait_for_url("**/credit/")
    looked_at(page, "records")
    page.click(f"#record-table tr[data-record='{record.pk}'] a")
    page.wait_for_selector("#event-table")
    assert page.locator("#score").inner_text() == str(record.score)
    assert record.get_grade_display() in page.locator("h1").inner_text()
    row = page.locator(f"#event-table tr[data-event='{event.pk}']")
    assert "隐患逾期" in row.inner_text() or "逾期" in row.inner_text(), row.inner_text()
    assert row.locator("details.void").count() == 0  # voiding is for the deciding regulators
    looked_at(page, "record-enterprise")
    row.locator(f"a[data-source='{event.pk}']").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")

    as_user(page, "county_inspector")
    page.goto(f"/credit/records/{record.pk}/")
    row = page.locator(f"#event-table tr[data-event='{event.pk}']")
    row.locator("details.void > summary").click()
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # no reason: said in Chinese beside the field, the event still counts
    row = page.locator(f"#event-table tr[data-event='{event.pk}']")
    assert "原因" in row.locator("[data-field=reason] .errorlist").inner_text()
    assert page.locator("#score").inner_text() == str(record.score)
    looked_at(page, "void-error")
    row.locator("textarea[name=reason]").fill("隐患期限登记错误，已更正")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li")
    assert page.locator("#score").inner_text() == "100"
    row = page.locator(f"#event-table tr[data-event='{event.pk}']")
    assert "隐患期限登记错误，已更正" in row.inner_text()
    assert row.locator("details.void").count() == 0
    looked_at(page, "voided")


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_listing_is_notified_objected_to_listed_published_and_repaired(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    ensure_rules()
    firm = world.inside
    listing = credit.propose(
        actor=None,
        enterprise=firm,
        trigger="penalty_multiple",
        source="enforcement.penaltycase",
        source_id=1,
        facts="因未按规定排查治理事故隐患，被处上一年年收入三倍罚款",
    )

    as_user(page, "county_admin")
    page.goto("/credit/listings/")
    looked_at(page, "listings")
    page.click(f"a[href='/credit/listings/{listing.pk}/']")
    listing_move(page, "notify")
    listing.refresh_from_db()
    assert listing.state == "notified"
    assert page.locator("form[data-move=list]").count() == 1
    looked_at(page, "notified")

    as_user(page, "safety_manager")
    page.goto(f"/credit/listings/{listing.pk}/")
    objection = "罚款决定正在行政复议中，请求暂缓列入。"
    listing_move(page, "object", objection)
    assert objection in page.locator("dl.card").inner_text()
    looked_at(page, "objected")

    # the objection period ends
    Listing.objects.filter(pk=listing.pk).update(
        objection_until=timezone.localdate() - timedelta(days=1)
    )
    as_user(page, "county_admin")
    page.goto(f"/credit/listings/{listing.pk}/")
    listing_move(page, "list", "兴应急信〔2026〕7号")
    assert "兴应急信〔2026〕7号" in page.locator("dl.card").inner_text()
    listing_move(page, "publish")
    listing.refresh_from_db()
    assert listing.state == "published"
    page.click("#logout")
    page.goto("/public/credit/")
    assert firm.name in page.locator("main").inner_text()
    looked_at(page, "public-listed")

    # a year and more has passed since the listing began
    Listing.objects.filter(pk=listing.pk).update(
        starts_on=timezone.localdate() - timedelta(days=400)
    )
    as_user(page, "safety_manager")
    page.goto(f"/credit/listings/{listing.pk}/")
    reasons = "已全面整改，罚款已缴纳，复查合格。"
    page.fill("form[data-move=apply] [name=text]", reasons)
    page.click("form[data-move=apply] button[type=submit]")
    page.wait_for_load_state()
    # no commitment: said beside it in Chinese, the reasons as typed
    assert page.input_value("form[data-move=apply] [name=text]") == reasons
    assert "信用承诺" in page.locator("form[data-move=apply] .errors").inner_text()
    looked_at(page, "repair-error")
    page.fill("form[data-move=apply] [name=commitment]", "严格遵守安全生产法律法规。")
    page.click("form[data-move=apply] button[type=submit]")
    page.wait_for_selector("section[data-repair]")

    as_user(page, "county_admin")
    page.goto(f"/credit/listings/{listing.pk}/")
    page.fill("section[data-repair] form[data-move=approve] [name=text]", "整改到位，同意修复。")
    page.click("section[data-repair] form[data-move=approve] button[type=submit]")
    page.wait_for_load_state()
    listing.refresh_from_db()
    assert listing.state == "repaired" and listing.removed_on == timezone.localdate()
    looked_at(page, "repaired")
    page.click("#logout")
    page.goto("/public/credit/")
    assert firm.name not in page.locator("main").inner_text()

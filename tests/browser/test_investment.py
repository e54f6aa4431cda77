"""On a phone-size and on a desktop screen, an enterprise's safety manager records last year's
revenue, sees this year's extraction band by band, records a use with its voucher and opens
the voucher with one tap; the regulators' summary, the rules page and the public calculator
are shown at both sizes."""

import pytest
from django.utils import timezone

from safeloop.investment.models import ExpenseUse, ExpenseYear
from safeloop.orgs.roles import Role
from tests.browser.test_shell import open_menu, sign_in
from tests.conftest import PASSWORD
from tests.investment.conftest import seed_reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VOUCHER = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def size(page, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})


@pytest.mark.parametrize("width", [390, 1440])
def test_an_enterprise_records_revenue_sees_its_bands_and_records_a_use(page, world, width):
    size(page, width)
    seed_reference()
    world.inside.industry_code = "3120"  # 冶金
    world.inside.save()
    sign_in(page, Role.SAFETY_MANAGER.value, PASSWORD)
    page.wait_for_url("**/")
    assert "登记上年营业收入" in page.locator("body").inner_text()  # waiting on the to-do list
    open_menu(page, "investment-home")
    page.wait_for_url("**/investment/")
    page.click(f"#my-enterprises a[href='/investment/enterprises/{world.inside.pk}/']")
    page.wait_for_selector("#next-step")
    assert "登记" in page.locator("#next-step").inner_text()
    page.fill("#year-form #id_revenue", "200000000")
    page.fill("#year-form #id_extracted", "0")
    page.click("#year-form button[type=submit]")
    page.wait_for_selector("#band-table")
    bands = page.locator("#band-table tbody tr")
    assert bands.count() == 6
    assert "90,000,000.00 × 1.5% = 1,350,000.00" in bands.nth(1).inner_text()
    assert page.locator("#extraction-total").inner_text() == "2,150,000.00"
    assert page.locator("#extraction-monthly").inner_text() == "179,166.67"
    page.screenshot(path=f"var/screenshots/investment-bands-{width}.png", full_page=True)

    page.fill("#use-form #id_spent_on", timezone.localdate().isoformat())
    page.select_option("#use-form #id_category", "ppe")
    page.fill("#use-form #id_amount", "12800.50")
    page.fill("#use-form #id_description", "安全帽和防护服采购")
    page.set_input_files(
        "#use-form #id_voucher",
        files=[{"name": "发票.pdf", "mimeType": "application/pdf", "buffer": VOUCHER}],
    )
    page.click("#use-form button[type=submit]")
    page.wait_for_selector("#use-table td:has-text('安全帽和防护服采购')")
    assert "12,800.50" in page.locator("#year-table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=f"var/screenshots/investment-enterprise-{width}.png", full_page=True)
    link = page.locator("#use-table a[href$='/voucher/']")  # the voucher is one tap away
    assert link.is_visible()
    voucher = page.request.get(link.get_attribute("href"))
    assert voucher.status == 200 and voucher.body().startswith(b"%PDF-")
    row = ExpenseYear.objects.get(enterprise=world.inside)
    assert str(row.required) == "2150000.00"
    assert ExpenseUse.objects.get().expense_year == row


@pytest.mark.parametrize("width", [390, 1440])
def test_the_summary_rules_and_calculator_pages_fit(page, world, width):
    size(page, width)
    seed_reference()
    page.goto("/public/safety-expense/")
    page.select_option("#id_sector", "explosives")
    page.fill("#id_revenue", "1500000000")
    page.click("#calculator-form button[type=submit]")
    page.wait_for_selector("#calculator-result")
    assert page.locator("#extraction-total").inner_text() == "7,700,000.00"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=f"var/screenshots/investment-calculator-{width}.png", full_page=True)
    sign_in(page, Role.COUNTY_ADMIN.value, PASSWORD)
    page.wait_for_url("**/")
    for url, shot in [
        ("/investment/", "investment-home"),
        ("/investment/rules/", "investment-rules"),
    ]:
        page.goto(url)
        page.wait_for_selector("h1")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, url
        page.screenshot(path=f"var/screenshots/{shot}-{width}.png", full_page=True)

"""On a phone, someone without an account reports a hidden danger, gets the tracking code
and follows it; a regulator sees the report in triage on a desktop."""

import pytest

from safeloop.core import captcha
from safeloop.enterprises.models import Enterprise
from safeloop.public.models import PublicReport
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_captcha(page):
    # the picture is for people; the test answers a challenge whose answer it chose
    token = captcha.new("ACDEF").token
    page.evaluate(f"document.querySelector('[name=captcha_token]').value = '{token}'")
    page.fill("#id_captcha", "ACDEF")


def test_someone_reports_and_tracks_on_a_phone(page, tmp_path, demo):
    enterprise = Enterprise.objects.order_by("id")[2]
    page.goto("/public/reports/new/")
    assert page.locator(".captcha svg").count() == 1
    page.fill("#id_description", "配电房门口堆放易燃包装材料")
    page.fill("#id_enterprise_name", enterprise.name[2:6])
    page.fill("#id_captcha", "WRONG")
    page.click("#report-form button[type=submit]")
    # a wrong captcha keeps what was typed and says so in Chinese
    assert page.input_value("#id_description") == "配电房门口堆放易燃包装材料"
    assert "字符与图片不符" in page.inner_text("[data-field=captcha]")
    page.fill("#id_enterprise_name", enterprise.name)
    _answer_captcha(page)
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/public/reports/sent/")
    code = page.inner_text("#tracking-code")
    page.screenshot(path=tmp_path / "public-sent.png", full_page=True)
    assert PublicReport.objects.filter(enterprise=enterprise).exists()
    page.goto("/public/track/")
    page.fill("#id_code", code)
    _answer_captcha(page)
    page.click("#track-form button[type=submit]")
    assert page.inner_text("#report-state") in ("已受理，待核查", "已并入此前的同一举报")
    page.screenshot(path=tmp_path / "public-track.png", full_page=True)
    page.goto("/public/reports/new/")
    page.screenshot(path=tmp_path / "public-report.png", full_page=True)


def test_a_regulator_triages_on_a_desktop(page, tmp_path, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "county_inspector")
    page.wait_for_url("**/")
    page.goto("/public-reports/?state=")
    assert page.locator("#triage-table tbody tr").count() >= 3
    page.screenshot(path=tmp_path / "public-triage.png", full_page=True)
    page.goto("/public/exposure/")
    assert page.locator("#exposure-table").count() == 1
    page.screenshot(path=tmp_path / "public-exposure.png", full_page=True)

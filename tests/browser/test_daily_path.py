"""The daily path at phone and desktop size: a city inspector registers a hidden danger with a
photo, opens its rectification notice from the page, the enterprise rectifies and submits with
after-photos in the same form, the inspector accepts. After every save, the page title and
the confirmation are in the first screen."""

import io

import pytest
from PIL import Image

from safeloop.enterprises.models import Enterprise
from safeloop.hazards.models import Hazard
from tests.browser.test_shell import pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), colour).save(buffer, format="JPEG")
    return {"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def confirmed(page):
    assert in_first_screen(page, "h1"), "the title is below the fold"
    assert in_first_screen(page, ".messages li"), "the confirmation is below the fold"


def move(page, name: str, fields: dict, files: dict | None = None):
    if not page.locator(f"[data-move={name}]").evaluate("d => d.open"):  # open after an error
        page.click(f"[data-move={name}] > summary")
    for field, value in fields.items():
        page.fill(f"#id_{name}-{field}", value)
    for field, value in (files or {}).items():
        page.set_input_files(f"#id_{name}-{field}", value)
    page.click(f"#move-{name} button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)], ids=["phone", "desktop"])
def test_register_notice_rectify_accept(page, settings, tmp_path, size, demo):
    settings.MEDIA_ROOT = tmp_path
    page.set_viewport_size({"width": size[0], "height": size[1]})
    enterprise = Enterprise.objects.get(name="宁夏示范冶金有限公司")

    sign_in(page, "city_inspector")
    page.wait_for_url("**/")
    page.goto("/hazards/new/")
    pick(page, "#id_enterprise", enterprise)
    page.select_option("#id_source", "1")
    page.select_option("#id_category", "3")
    page.fill("#id_place", "高炉出铁场")
    page.fill("#id_description", "出铁口防护挡板缺失")
    page.fill("#id_deadline_working_days", "10")
    page.set_input_files("#id_photo", jpeg((200, 30, 30)))
    page.click("#register-submit")
    page.wait_for_url("**/hazards/*/")
    hazard = Hazard.objects.get(description="出铁口防护挡板缺失")
    confirmed(page)
    assert hazard.number in page.locator("h1").inner_text()
    # the notice, with its number, one tap from the page
    assert hazard.notice_number in page.locator("#record-documents").inner_text()
    link = page.locator("#record-documents [data-doc='hazard-notice']")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.click("#logout")

    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    assert page.locator(f"#todo [data-todo='/hazards/{hazard.pk}/']").count() == 1
    page.click(f"#todo [data-todo='/hazards/{hazard.pk}/'] a")
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    assert hazard.notice_number in page.locator("#record-documents").inner_text()
    move(
        page,
        "plan",
        {
            "measures": "加装防护挡板",
            "funds_budgeted": "3000",
            "responsible_person": "王工",
            "emergency_measures": "设置警戒线",
        },
    )
    confirmed(page)
    # no after-photo: asked again, the text kept
    move(page, "submit", {"evidence": "已加装防护挡板"})
    assert "整改后照片" in page.locator("#move-submit").inner_text()
    assert page.input_value("#id_submit-evidence") == "已加装防护挡板"
    move(page, "submit", {"evidence": "已加装防护挡板"}, {"photos": jpeg((30, 160, 60))})
    confirmed(page)
    assert page.locator("#state").inner_text() == "待验收"
    page.click("#logout")

    sign_in(page, "city_inspector")
    page.wait_for_url("**/")
    page.click(f"#todo [data-todo='/hazards/{hazard.pk}/'] a")
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    move(page, "accept", {"opinion": "整改合格"})
    confirmed(page)
    assert page.locator("#state").inner_text() == "已销号"
    stages = sorted(p.stage for p in Hazard.objects.get(pk=hazard.pk).photos.all())
    assert stages == ["after", "before"]
    page.screenshot(path=f"var/screenshots/daily-path-{size[0]}.png")

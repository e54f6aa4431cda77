"""Enforcement walked as its users walk it, on a phone and on a desktop screen.

A county inspector issues a 责令限期整改指令书 from a hidden danger's page (a form sent with
one field missing keeps everything typed), opens its PDF from the page's documents block and
serves it; the enterprise's safety manager finds it on the hidden danger's page and
acknowledges it; the inspector opens a penalty case and walks it 立案→调查→告知→决定→执行→结案,
the county administrator deciding, and the 处罚决定书 is one tap from the case.

A hidden danger left weeks past its deadline raises an accountability proposal; the inspector
turns it into a 约谈, the county administrator approves and publishes it, the interview is
recorded with a commitment, the enterprise uploads its written response, the measure is
closed and shows on /public/sanctions/ without the telephone number its text carried.

Every page visited is screenshot, fits the screen's width and shows no code words."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.enforcement.demo import ensure_rules
from safeloop.enforcement.models import Document, LegalBasis, PenaltyCase, Proposal, Sanction
from safeloop.enforcement.services import evaluate_triggers
from safeloop.orgs.models import Department, DepartmentKind
from tests.browser.test_shell import sign_in
from tests.conftest import PASSWORD
from tests.enforcement.conftest import make_hazard
from tests.web.test_demo_pages import code_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1440, 900)]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SHOTS = "var/screenshots"


# Latin letters a Chinese reader may meet: the PDF of a document, the WGS-84 of a
# coordinate. Anything else in the
# page's main text (a field name, a state code, an untranslated label) is the code talking.
LATIN = re.compile(r"[A-Za-z_]{3,}")
ALLOWED = {"PDF", "WGS"}  # WGS-84, the coordinates a latitude is given in


def english_in(page) -> list[str]:
    return sorted(set(LATIN.findall(page.locator("main").inner_text())) - ALLOWED)


def looked_at(page, name: str, prefix: str = "enforcement") -> None:
    """A screenshot of the page; it fits the screen's width and says nothing in code."""
    width = page.viewport_size["width"]
    page.screenshot(path=f"{SHOTS}/{prefix}-{name}-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, name
    assert not code_words(page.content()), (name, code_words(page.content()))
    assert not english_in(page), (name, english_in(page))


def as_user(page, username: str) -> None:
    if page.locator("#logout").count():
        page.click("#logout")
    sign_in(page, username, PASSWORD)
    page.wait_for_url("**/")


def move(page, name: str, fields: dict | None = None) -> None:
    for selector, value in (fields or {}).items():
        page.fill(f"#move-{name} {selector}", value)
    page.click(f"#move-{name} button[type=submit]")
    page.wait_for_load_state()


def opens_as_pdf(page, href: str) -> None:
    response = page.request.get(href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


@pytest.fixture
def departments(world):
    Department.objects.create(
        name="兴庆区应急管理局", kind=DepartmentKind.COUNTY_DEPARTMENT, region=world.county
    )
    Department.objects.create(
        name="银川市应急管理局", kind=DepartmentKind.CITY_BUREAU, region=world.city
    )
    ensure_rules()


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_an_order_is_served_and_acknowledged_and_a_penalty_case_runs_to_its_end(
    page, world, departments, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    hazard = make_hazard(world.inside)

    as_user(page, "county_inspector")
    page.goto(f"/hazards/{hazard.pk}/")
    page.click("#enforcement-issue a[href^='/enforcement/documents/new/']")
    page.wait_for_selector("#document-form")
    page.select_option("#document-form [name=kind]", "order")
    page.fill("#document-form [name=requirements]", "立即加装防护罩，完成后书面报告。")
    page.fill("#document-form [name=legal_basis]", "《中华人民共和国安全生产法》第六十五条")
    page.fill("#document-form [name=deadline]", "")
    page.click("#document-form button[type=submit]")
    # the day to rectify by is missing: said in Chinese beside it, the rest as typed
    error = page.locator("#document-form [data-field=deadline] .errorlist")
    assert (
        "整改" in error.inner_text()
        or "期限" in error.inner_text()
        or "日期" in (error.inner_text())
    ), error.inner_text()
    assert (
        page.input_value("#document-form [name=requirements]") == "立即加装防护罩，完成后书面报告。"
    )
    assert "第六十五条" in page.input_value("#document-form [name=legal_basis]")
    assert "防护罩缺失" in page.input_value("#document-form [name=findings]")
    looked_at(page, "order-form-error")
    deadline = timezone.localdate() + timedelta(days=10)
    page.fill("#document-form [name=deadline]", deadline.isoformat())
    page.click("#document-form button[type=submit]")
    page.wait_for_url("**/enforcement/documents/*/")
    order = Document.objects.get(hazard=hazard, kind="order")
    assert order.number in page.locator("#record-documents").inner_text()
    opens_as_pdf(
        page, page.locator("#record-documents [data-doc='enforcement-order']").get_attribute("href")
    )
    looked_at(page, "order")
    if size[0] < 600:
        move(page, "serve", {"[name=signed_by]": "李安全"})
        assert "李安全" in page.locator("dl.facts").inner_text()
    else:  # refused: how it was witnessed is recorded instead
        page.check("#move-serve [name=refused]")
        move(page, "serve", {"[name=refusal_note]": "企业拒签，由村委会工作人员见证留置送达"})
        assert "村委会工作人员见证" in page.locator("dl.facts").inner_text()
    order.refresh_from_db()
    assert order.state == "served" and order.refused is (size[0] >= 600)
    page.goto(f"/hazards/{hazard.pk}/")
    assert order.number in page.locator("#record-documents").inner_text()
    looked_at(page, "hazard-inspector")

    as_user(page, "safety_manager")
    page.goto(f"/enterprises/{world.inside.pk}/")  # on the enterprise's own page too
    assert order.number in page.locator("#record-documents").inner_text()
    looked_at(page, "enterprise")
    page.goto(f"/hazards/{hazard.pk}/")
    assert order.number in page.locator("#record-documents").inner_text()
    assert page.locator("#enforcement-issue").count() == 0  # issuing is for enforcers
    opens_as_pdf(
        page, page.locator("#record-documents [data-doc='enforcement-order']").get_attribute("href")
    )
    page.click(f"#record-documents a[href$='/enforcement/documents/{order.pk}/']")
    page.wait_for_selector("#move-acknowledge")
    looked_at(page, "order-enterprise")
    move(page, "acknowledge")
    order.refresh_from_db()
    assert order.state == "acknowledged" and order.acknowledged_at is not None
    assert page.locator("#move-acknowledge").count() == 0

    as_user(page, "county_inspector")
    page.goto(f"/hazards/{hazard.pk}/")
    page.click("#enforcement-issue a[href^='/enforcement/cases/new/']")
    page.fill("textarea[name=facts]", "未采取措施消除事故隐患，经责令整改仍未完成。")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/enforcement/cases/*/")
    case = PenaltyCase.objects.get(hazard=hazard)
    assert "立案" in page.locator("ol.steps li.current").inner_text()
    move(page, "investigate")
    assert "调查" in page.locator("ol.steps li.current").inner_text()
    basis = LegalBasis.objects.filter(code="aqsf-102").latest("effective_from")
    page.select_option("#move-notify [name=basis]", str(basis.pk))
    move(page, "notify", {"[name=findings]": "现场检查笔录证实违法事实。", "[name=fine]": "990000"})
    # above the provision's highest fine: said beside the fine, the findings kept
    error = page.locator("#move-notify [data-field=fine] .errorlist").inner_text()
    assert "罚款" in error or "元" in error, error
    assert page.input_value("#move-notify [name=findings]") == "现场检查笔录证实违法事实。"
    assert page.input_value("#move-notify [name=basis]") == str(basis.pk)
    looked_at(page, "case-notify-error")
    move(page, "notify", {"[name=fine]": "20000"})
    assert "告知" in page.locator("ol.steps li.current").inner_text()
    assert page.locator("#move-decide").count() == 0  # only an administrator decides

    as_user(page, "county_admin")
    page.goto(f"/enforcement/cases/{case.pk}/")
    move(page, "decide")
    assert "决定" in page.locator("ol.steps li.current").inner_text()
    case.refresh_from_db()
    assert case.decision_number and case.fine == 20000

    as_user(page, "county_inspector")
    page.goto(f"/enforcement/cases/{case.pk}/")
    move(page, "execute", {"[name=note]": "当事人已于当日缴纳罚款。"})
    move(page, "close")
    assert "结案" in page.locator("ol.steps li.current").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert basis.title in facts and case.decision_number in facts
    looked_at(page, "case-closed")
    # the decision, one tap from the case
    opens_as_pdf(page, page.locator("a[href$='/decision.pdf']").first.get_attribute("href"))
    assert case.decision_number in page.locator("#record-documents").inner_text()
    case.refresh_from_db()
    assert case.state == "closed"


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_an_overdue_hidden_danger_ends_in_an_interview_published_without_the_phone(
    page, world, departments, settings, tmp_path, size
):
    settings.MEDIA_ROOT = tmp_path
    page.set_viewport_size({"width": size[0], "height": size[1]})
    make_hazard(world.inside, days_left=-40)
    evaluate_triggers()  # the daily job
    proposal = Proposal.objects.get()

    as_user(page, "county_inspector")
    page.goto("/enforcement/proposals/")
    looked_at(page, "proposals")
    page.click(f"a[href='/enforcement/proposals/{proposal.pk}/']")
    page.wait_for_selector("#accept-form")
    looked_at(page, "proposal")
    page.select_option("#accept-form [name=kind]", "interview")
    page.select_option("#accept-form [name=target_kind]", "enterprise")
    reason = (
        "隐患逾期四十天未整改，约谈企业主要负责人"
        "（身份证号64010419800101123X，联系电话13912345678）。"
    )
    page.fill("#accept-form [name=reason]", reason)
    page.fill("#accept-form [name=interview_place]", "兴庆区应急管理局三楼会议室")
    page.click("#accept-form button[type=submit]")
    # no interview time: said beside it in Chinese, the rest as typed
    error = page.locator("#accept-form [data-field=interview_at] .errorlist").inner_text()
    assert "约谈" in error or "时间" in error, error
    assert page.input_value("#accept-form [name=reason]") == reason
    assert page.input_value("#accept-form [name=interview_place]") == "兴庆区应急管理局三楼会议室"
    assert page.input_value("#accept-form [name=kind]") == "interview"
    looked_at(page, "proposal-error")
    when = timezone.localtime() + timedelta(days=3)
    page.fill("#accept-form [name=interview_at]", when.strftime("%Y-%m-%dT10:00"))
    page.click("#accept-form button[type=submit]")
    page.wait_for_url("**/enforcement/sanctions/*/")
    sanction = Sanction.objects.get(proposal=proposal)
    assert sanction.kind == "interview" and sanction.state == "drafted"
    assert page.locator("#move-approve").count() == 0  # the county administrator approves

    as_user(page, "county_admin")
    page.goto(f"/enforcement/sanctions/{sanction.pk}/")
    page.check("#move-approve [name=public]")
    move(page, "approve")
    sanction.refresh_from_db()
    assert sanction.state == "approved" and sanction.number and sanction.public
    opens_as_pdf(page, page.locator("a[href$='/notice.pdf']").first.get_attribute("href"))
    looked_at(page, "sanction-approved")

    as_user(page, "county_inspector")
    page.goto(f"/enforcement/sanctions/{sanction.pk}/")
    due = timezone.localdate() + timedelta(days=30)
    move(
        page,
        "record_interview",
        {
            "[name=record]": "企业主要负责人说明逾期原因，承诺限期完成整改。",
            "[name=commitments]": f"{due.isoformat()} 完成防护罩加装",
        },
    )
    assert "完成防护罩加装" in page.locator("main").inner_text()

    as_user(page, "safety_manager")
    page.goto(f"/enforcement/sanctions/{sanction.pk}/")
    page.set_input_files(
        "#move-respond [name=response]",
        files=[{"name": "书面说明.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    move(page, "respond")
    sanction.refresh_from_db()
    assert sanction.state == "responded" and sanction.response
    opens_as_pdf(page, page.locator("a[href$='/response.pdf']").get_attribute("href"))
    looked_at(page, "sanction-responded")

    as_user(page, "county_inspector")
    page.goto(f"/enforcement/sanctions/{sanction.pk}/")
    move(page, "close")
    sanction.refresh_from_db()
    assert sanction.state == "closed"
    looked_at(page, "sanction-closed")
    page.click("#logout")

    page.goto("/public/sanctions/")
    text = page.locator("main").inner_text()
    assert sanction.number in text and world.inside.name in text
    assert "13912345678" not in page.content()
    assert "64010419800101123X" not in page.content()
    looked_at(page, "public-sanctions")

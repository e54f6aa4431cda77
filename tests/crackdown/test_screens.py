"""Every crackdown screen for every role, inside and outside the scope, with the exact
status; bad input answers 400 on its field and changes nothing; the public report turned into
a case and the reporter's tracking page; statistics against a hand count; the Excel file."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.core import captcha
from safeloop.crackdown import services
from safeloop.crackdown.models import Case, CrackdownRule, JointOperation
from safeloop.orgs.roles import REGULATORS, Role
from safeloop.public import services as public_services
from safeloop.public.models import PublicReport
from tests.crackdown.conftest import advance
from tests.scope import ROLES, assert_status

SUPERVISING = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}
RULE_EDITORS = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN}
LISTS = [
    "/crackdown/",
    "/crackdown/cases/new/",
    "/crackdown/campaigns/",
    "/crackdown/operations/",
    "/crackdown/statistics/",
    "/crackdown/rules/",
]


def _user(world, role):
    return world.user(role) if role else world.users[None]


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_answer_each_role_exactly(world, client, make_case, role):
    make_case()
    client.force_login(_user(world, role))
    for url in LISTS:
        assert_status(client.get(url), 200 if role in REGULATORS else 403, url)


@pytest.mark.parametrize("role", ROLES)
def test_a_case_page_answers_by_scope(world, client, make_case, role):
    inside, sibling, outside = make_case(), make_case("sibling"), make_case("outside")
    client.force_login(_user(world, role))
    seen_inside = role in REGULATORS
    seen_sibling = role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
    assert_status(client.get(f"/crackdown/cases/{inside.pk}/"), 200 if seen_inside else 404)
    assert_status(client.get(f"/crackdown/cases/{sibling.pk}/"), 200 if seen_sibling else 404)
    expected_outside = 200 if role == Role.SYSTEM_ADMIN else 404
    assert_status(client.get(f"/crackdown/cases/{outside.pk}/"), expected_outside)
    if seen_inside:
        page = client.get("/crackdown/").content.decode()
        assert inside.number in page and outside.number not in page or role == Role.SYSTEM_ADMIN


@pytest.mark.parametrize("role", ROLES)
def test_moves_on_the_case_page_answer_each_role_exactly(world, client, make_case, role):
    case = make_case()
    client.force_login(_user(world, role))
    response = client.post(
        f"/crackdown/cases/{case.pk}/", {"move": "decline", "reason": "无违法行为", "version": 1}
    )
    expected = 302 if role in SUPERVISING else 403 if role in REGULATORS else 404
    assert_status(response, expected)
    case.refresh_from_db()
    assert case.state == ("not_filed" if expected == 302 else "registered")


@pytest.mark.parametrize("role", ROLES)
def test_campaigns_and_operations_answer_each_role_exactly(world, client, role):
    admin = world.user(Role.CITY_ADMIN)
    city = services.create_campaign(
        actor=admin,
        region=world.city,
        title="全市打非专项行动",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    other = services.create_campaign(
        actor=world.user(Role.SYSTEM_ADMIN),
        region=world.other_city,
        title="外市行动",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    client.force_login(_user(world, role))
    # a county's (and park's, grid's) regulators work on the city's campaign too
    assert_status(
        client.get(f"/crackdown/campaigns/{city.pk}/"), 200 if role in REGULATORS else 404
    )
    expected_other = 200 if role == Role.SYSTEM_ADMIN else 404
    assert_status(client.get(f"/crackdown/campaigns/{other.pk}/"), expected_other)
    edit = {
        "title": "全市打非专项行动（调整）",
        "starts_on": city.starts_on,
        "ends_on": city.ends_on,
        "target_cases": 10,
        "target_stopped": 3,
        "target_fines": "1000",
        "target_operations": 1,
        "version": 1,
    }
    response = client.post(f"/crackdown/campaigns/{city.pk}/", edit)
    city_editors = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
    expected = 302 if role in city_editors else 403 if role in REGULATORS else 404
    assert_status(response, expected)
    operation = {
        "title": "联合执法",
        "region": world.county.pk,
        "held_on": timezone.localdate(),
        "departments": "市场监管局、公安分局",
        "staff": 5,
    }
    response = client.post("/crackdown/operations/", operation)
    expected = 302 if role in SUPERVISING else 403
    assert_status(response, expected)
    assert JointOperation.objects.count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_city_and_system_administrators_add_a_rule(world, client, role):
    client.force_login(_user(world, role))
    data = {
        "first_visit_days": 10,
        "visit_every_days": 20,
        "visits_required": 3,
        "effective_from": timezone.localdate(),
        "source": "市局通知",
        "confidence": "confirmed",
    }
    before = CrackdownRule.objects.count()
    expected = 302 if role in RULE_EDITORS else 403
    assert_status(client.post("/crackdown/rules/", data), expected)
    assert CrackdownRule.objects.count() == before + (1 if expected == 302 else 0)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"found_on": "not-a-date"}, "found_on"),
        ({"source": "bogus"}, "source"),
        ({"facts": ""}, "facts"),
        ({"latitude": "999"}, "latitude"),
        ({"region": "99999999999999999999"}, "region"),
        ({"subject_name": ""}, "subject_name"),
        ({"source": "referral"}, "referred_by"),
    ],
)
def test_bad_input_on_the_case_form_is_a_400_on_its_field(world, client, data, field):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    good = {
        "source": "patrol",
        "subject_name": "<script>alert(1)</script>作坊",
        "region": world.county.pk,
        "location": "某村",
        "found_on": timezone.localdate(),
        "facts": "无证生产",
    }
    response = client.post("/crackdown/cases/new/", {**good, **data})
    assert_status(response, 400)
    assert field in response.context["form"].errors
    assert not Case.objects.exists()
    # what was typed stays on the form
    assert "某村" in response.content.decode()
    ok = client.post("/crackdown/cases/new/", good)
    assert_status(ok, 302)
    case = Case.objects.get()
    page = client.get(f"/crackdown/cases/{case.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "登记" in page


def test_bad_action_input_is_a_400_and_a_bad_pdf_is_refused(world, client, make_case):
    admin = world.user(Role.COUNTY_ADMIN)
    case = advance(make_case(), admin, "disposing")
    client.force_login(admin)
    url = f"/crackdown/cases/{case.pk}/"
    base = {"move": "add_action", "decided_on": timezone.localdate(), "document_number": "1"}
    response = client.post(url, {**base, "kind": "fine"})
    assert_status(response, 400)
    panels = {move: form for move, _label, form in response.context["panels"]}
    assert "amount" in panels["add_action"].errors
    fake = BytesIO(b"MZ not a pdf")
    fake.name = "decision.pdf"
    response = client.post(url, {**base, "kind": "ban", "document": fake})
    assert_status(response, 400)
    assert not case.actions.exists()
    response = client.post(url, {"move": "nonsense"})
    assert_status(response, 400)
    response = client.post(url, {"move": "close", "version": case.version})
    assert_status(response, 409)


def test_a_public_report_becomes_a_case_and_the_reporter_only_sees_it_handled(
    world, client, make_case
):
    report, code = public_services.submit(
        actor=None,
        description="地下室有人生产烟花配件",
        site_name="丽景花园地下室",
        address="丽景花园12号楼",
        county=world.county,
    )
    inspector = world.user(Role.COUNTY_INSPECTOR)
    client.force_login(inspector)
    triage = client.get(f"/public-reports/{report.pk}/").content.decode()
    assert f"/crackdown/from-report/{report.pk}/" in triage
    form = client.get(f"/crackdown/from-report/{report.pk}/")
    assert_status(form, 200)
    assert "地下室有人生产烟花配件" in form.content.decode()
    response = client.post(
        f"/crackdown/from-report/{report.pk}/",
        {
            "subject_name": "地下室作坊",
            "region": world.county.pk,
            "location": "丽景花园12号楼地下室",
            "found_on": timezone.localdate(),
            "facts": "生产烟花配件",
        },
    )
    assert_status(response, 302)
    case = Case.objects.get()
    assert case.public_report == report and case.source == "public_report"
    report.refresh_from_db()
    assert report.state == "referred"
    # linked both ways
    assert_status(client.get(f"/crackdown/from-report/{report.pk}/"), 302)
    assert (
        f"/public-reports/{report.pk}/"
        in client.get(f"/crackdown/cases/{case.pk}/").content.decode()
    )
    # the reporter's page: being handled, nothing of the case
    client.logout()
    answer = "ACDEF"
    page = client.post(
        "/public/track/",
        {"code": code, "captcha_token": captcha.new(answer).token, "captcha": answer},
    ).content.decode()
    assert "正在依法查处" in page or "打非" in page
    for secret in (case.number, "地下室作坊", "生产烟花配件"):
        assert secret not in page
    # a second case from the same report is refused
    assert PublicReport.objects.get().crackdown_case == case
    advance(case, world.user(Role.SYSTEM_ADMIN), "not_filed")
    report.refresh_from_db()
    assert report.state == "handled"


def test_the_statistics_equal_a_hand_count_and_the_excel_file_holds_them(world, client, make_case):
    admin = world.user(Role.SYSTEM_ADMIN)
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=admin,
        region=world.city,
        title="专项行动",
        starts_on=today - timedelta(days=60),
        ends_on=today,
        target_cases=4,
        target_stopped=2,
        target_fines=Decimal("10000"),
        target_operations=1,
    )
    one = advance(make_case(campaign=campaign, subject_name="甲"), admin, "closed")
    two = advance(make_case(campaign=campaign, subject_name="乙"), admin, "tracking", kind="fine")
    three = advance(make_case(subject_name="丙"), admin, "disposing")
    services.add_action(
        actor=admin, case=three, kind="fine", decided_on=today, document_number="x", amount=500
    )
    voided = services.add_action(
        actor=admin, case=three, kind="fine", decided_on=today, document_number="y", amount=9999
    )
    services.void_action(actor=admin, action=voided, reason="录错")
    advance(make_case("sibling", campaign=campaign, subject_name="丁"), admin, "not_filed")
    make_case("outside", subject_name="戊")
    assert {one.state, two.state} == {"closed", "tracking"}
    # hand count, for the city administrator (the other city's case is not theirs)
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get(f"/crackdown/statistics/?year={today.year}")
    assert_status(response, 200)
    stats = response.context["stats"]
    totals = stats["totals"]
    assert (totals["registered"], totals["not_filed"], totals["open"], totals["closed"]) == (
        4,
        1,
        2,
        1,
    )
    assert (totals["ban"], totals["fine"], totals["fines"]) == (1, 2, Decimal("1500"))
    by_county = {row["label"]: row for row in stats["by_county"]}
    assert by_county["兴庆区"]["registered"] == 3 and by_county["西夏区"]["not_filed"] == 1
    by_campaign = {row["label"]: row for row in stats["by_campaign"]}
    assert by_campaign["专项行动"]["registered"] == 3 and by_campaign[None]["fines"] == 500
    month = {row["label"]: row for row in stats["by_month"]}
    assert month[today.month]["fine"] == 2
    by_action = {row["kind"]: row for row in stats["by_action"]}
    assert by_action["fine"]["amount"] == Decimal("1500") and by_action["shut"]["count"] == 0
    # the campaign page: targets against what was achieved
    page = client.get(f"/crackdown/campaigns/{campaign.pk}/")
    progress = {p.label: (p.target, p.achieved) for p in page.context["progress"]}
    assert list(progress.values()) == [(4, 2), (2, 1), (Decimal("10000"), Decimal("1000")), (1, 0)]
    # the Excel file
    xlsx = client.get(f"/crackdown/statistics/?year={today.year}&format=xlsx")
    assert_status(xlsx, 200)
    book = load_workbook(BytesIO(xlsx.content))
    assert len(book.sheetnames) == 4
    rows = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert rows[0][1] == "已登记" and {r[0] for r in rows[1:]} == {"兴庆区", "西夏区"}
    assert_status(client.get("/crackdown/statistics/?year=abc"), 400)
    assert_status(client.get("/crackdown/statistics/?campaign=999999"), 400)


def test_an_overdue_re_visit_raises_a_warning_and_a_to_do(world, client, make_case):
    from safeloop.alerts.evaluation import evaluate
    from safeloop.alerts.models import EarlyWarning, WarningRule
    from safeloop.web.selectors import todo_for

    admin = world.user(Role.SYSTEM_ADMIN)
    case = advance(make_case(), admin, "tracking")
    Case.objects.filter(pk=case.pk).update(tracking_since=timezone.localdate() - timedelta(days=20))
    rule = WarningRule.objects.get(code="crackdown_revisit")
    result = evaluate(rule)
    assert result["raised"] == 1
    warning = EarlyWarning.objects.get(rule=rule)
    assert warning.subject_id == case.pk and "已逾期 5 天" in warning.reason
    assert evaluate(rule)["raised"] == 0  # once per case and due day
    todo = todo_for(world.user(Role.COUNTY_INSPECTOR))
    assert any(t.link == f"/crackdown/cases/{case.pk}/" and t.overdue for t in todo)
    assert not todo_for(world.user(Role.SAFETY_MANAGER)) or all(
        "crackdown" not in t.link for t in todo_for(world.user(Role.SAFETY_MANAGER))
    )
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    assert 'id="overdue-note"' in client.get("/crackdown/").content.decode()

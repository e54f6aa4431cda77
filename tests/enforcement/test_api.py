"""The enforcement API for every role inside and outside its scope, with the exact status of
each read and move (404 outside scope, 403 seen but not theirs, 401 signed out); every
lifecycle walked through the API to its landing states; bad input is a 400 on its field and
changes nothing; the version is required (400) and must be the one read (409)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.credit.models import CreditEvent
from safeloop.enforcement import services
from safeloop.enforcement.models import Document, LegalBasis, PenaltyCase, Proposal, Sanction
from safeloop.orgs.roles import Role
from tests.enforcement.conftest import make_hazard
from tests.scope import ROLES, assert_status, ids_in

R = Role
REGULATORS = {
    R.SYSTEM_ADMIN,
    R.CITY_ADMIN,
    R.CITY_INSPECTOR,
    R.COUNTY_ADMIN,
    R.COUNTY_INSPECTOR,
    R.PARK_OFFICER,
    R.GRID_INSPECTOR,
}
STAFF = {R.ENTERPRISE_PRINCIPAL, R.SAFETY_MANAGER}
READERS = REGULATORS | STAFF
ENFORCERS = {R.SYSTEM_ADMIN, R.CITY_ADMIN, R.CITY_INSPECTOR, R.COUNTY_ADMIN, R.COUNTY_INSPECTOR}
ADMINS = {R.SYSTEM_ADMIN, R.CITY_ADMIN, R.COUNTY_ADMIN}


def pdf_upload(name="response.pdf", size=None):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    content = bytes(pdf.output())
    if size:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def records(world, departments):
    """One document, case, measure and proposal at the inside enterprise, and the same at
    the enterprise of the other city (seen by the system administrator only)."""
    admin = world.user(R.SYSTEM_ADMIN)
    found = {}
    for where, firm in (("in", world.inside), ("out", world.outside)):
        hazard = make_hazard(firm)
        make_hazard(firm, days_left=-40)
        found[f"document_{where}"] = services.issue_document(
            actor=admin,
            kind="order",
            hazard=hazard,
            findings="防护罩缺失",
            deadline=timezone.localdate() + timedelta(days=10),
        )
        found[f"case_{where}"] = services.file_case(actor=admin, hazard=hazard, facts="未消除隐患")
        found[f"sanction_{where}"] = services.draft_sanction(
            actor=admin,
            kind="criticism",
            target_kind="enterprise",
            enterprise=firm,
            reason="重大隐患逾期未整改",
            approval_level="county",
        )
        found[f"hazard_{where}"] = hazard
    services.evaluate_triggers(timezone.localdate())
    found["proposal_in"] = Proposal.objects.get(enterprise=world.inside)
    found["proposal_out"] = Proposal.objects.get(enterprise=world.outside)
    return found


ENDPOINTS = {
    "document": ("/api/v1/enforcement-documents/", READERS),
    "case": ("/api/v1/penalty-cases/", READERS),
    "sanction": ("/api/v1/sanctions/", READERS),
    "proposal": ("/api/v1/accountability-proposals/", REGULATORS),
}


def test_lists_and_records_follow_the_scope_for_every_role(world, api, records):
    for name, (url, readers) in ENDPOINTS.items():
        inside, outside = records[f"{name}_in"], records[f"{name}_out"]
        for role in ROLES:
            api.as_user(world.users[role])
            listed = api.get(url)
            assert_status(listed, 200, f"{role} {url}")
            sees_in = role in readers
            sees_out = role == R.SYSTEM_ADMIN
            assert (inside.pk in ids_in(listed)) == sees_in, (role, url)
            assert (outside.pk in ids_in(listed)) == sees_out, (role, url)
            assert_status(api.get(f"{url}{inside.pk}/"), 200 if sees_in else 404, f"{role}")
            assert_status(api.get(f"{url}{outside.pk}/"), 200 if sees_out else 404, f"{role}")
        api.client.logout()
        assert_status(api.get(url), 401)
        assert_status(api.get(f"{url}{inside.pk}/"), 401)


MOVES = [
    # (record, move, who may, who sees)
    ("document", "serve", ENFORCERS, READERS),
    ("document", "acknowledge", STAFF, READERS),
    ("document", "close", ENFORCERS, READERS),
    ("document", "void", ENFORCERS, READERS),
    ("case", "investigate", ENFORCERS, READERS),
    ("case", "notify", ENFORCERS, READERS),
    ("case", "decide", ADMINS, READERS),
    ("case", "execute", ENFORCERS, READERS),
    ("case", "close", ENFORCERS, READERS),
    ("case", "withdraw", ENFORCERS, READERS),
    ("sanction", "approve", ADMINS, READERS),
    ("sanction", "reject", ADMINS, READERS),
    ("sanction", "record-interview", ENFORCERS, READERS),
    ("sanction", "respond", ENFORCERS | STAFF, READERS),
    ("sanction", "close", ENFORCERS, READERS),
    ("proposal", "draft", ENFORCERS, REGULATORS),
    ("proposal", "dismiss", ENFORCERS, REGULATORS),
]


def test_every_move_answers_each_role_exactly_and_changes_nothing_without_a_body(
    world, api, records
):
    """An empty body: 404 for whom the record is out of scope, 403 for who sees it but may
    not move it, 400 (the version and fields required) for who may; nothing changes."""
    for name, move, may, sees in MOVES:
        url = ENDPOINTS[name][0]
        inside, outside = records[f"{name}_in"], records[f"{name}_out"]
        for role in ROLES:
            api.as_user(world.users[role])
            expected = 404 if role not in sees else 403 if role not in may else 400
            response = api.post(f"{url}{inside.pk}/{move}/", {})
            assert_status(response, expected, f"{role} {name} {move}")
            if expected == 400:
                assert "version" in response.json()["error"]["fields"]
            expected_out = 404 if role != R.SYSTEM_ADMIN else 400 if role in may else 403
            assert_status(api.post(f"{url}{outside.pk}/{move}/", {}), expected_out, f"{role}")
        api.client.logout()
        assert_status(api.post(f"{url}{inside.pk}/{move}/", {}), 401)
    for name in ENDPOINTS:
        record = records[f"{name}_in"]
        fresh = type(record).objects.get(pk=record.pk)
        assert fresh.version == 1 and fresh.state == record.state


def test_only_enforcers_create_and_only_from_what_they_see(world, api, records):
    bodies = {
        "/api/v1/enforcement-documents/": {},
        "/api/v1/penalty-cases/": {},
        "/api/v1/sanctions/": {},
    }
    for url, body in bodies.items():
        for role in ROLES:
            api.as_user(world.users[role])
            expected = 400 if role in ENFORCERS else 403
            assert_status(api.post(url, body), expected, f"{role} {url}")
        api.client.logout()
        assert_status(api.post(url, body), 401)
    inspector = world.user(R.COUNTY_INSPECTOR)
    api.as_user(inspector)
    before = Document.objects.count(), PenaltyCase.objects.count(), Sanction.objects.count()
    outside = records["hazard_out"].pk
    response = api.post(
        "/api/v1/enforcement-documents/",
        {"kind": "order", "hazard": outside, "findings": "x", "deadline": "2099-01-01"},
    )
    assert_status(response, 400)
    assert "hazard" in response.json()["error"]["fields"]
    response = api.post("/api/v1/penalty-cases/", {"hazard": outside, "facts": "x"})
    assert_status(response, 400)
    # neither a visit nor a hidden danger: the service says so on the visit field
    response = api.post(
        "/api/v1/enforcement-documents/",
        {"kind": "order", "enterprise": world.inside.pk, "findings": "x", "deadline": "2099-01-01"},
    )
    assert_status(response, 400)
    assert "visit" in response.json()["error"]["fields"]
    response = api.post("/api/v1/penalty-cases/", {"enterprise": world.inside.pk, "facts": "x"})
    assert_status(response, 400)
    assert "visit" in response.json()["error"]["fields"]
    response = api.post(
        "/api/v1/sanctions/",
        {
            "kind": "criticism",
            "target_kind": "enterprise",
            "enterprise": world.outside.pk,
            "reason": "x",
            "approval_level": "county",
        },
    )
    assert_status(response, 400)
    assert "enterprise" in response.json()["error"]["fields"]
    # the park officer sees the hidden danger but does not issue over it
    api.as_user(world.user(R.PARK_OFFICER))
    response = api.post(
        "/api/v1/penalty-cases/", {"hazard": records["hazard_in"].pk, "facts": "未消除隐患"}
    )
    assert_status(response, 403)
    after = Document.objects.count(), PenaltyCase.objects.count(), Sanction.objects.count()
    assert before == after


def test_a_document_walks_issue_serve_acknowledge_close_and_recheck(world, api, hazard, visit):
    inspector, manager = world.user(R.COUNTY_INSPECTOR), world.user(R.SAFETY_MANAGER)
    api.as_user(inspector)
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = api.post(
        "/api/v1/enforcement-documents/",
        {"kind": "order", "hazard": hazard.pk, "findings": "防护罩缺失", "deadline": deadline},
    )
    assert_status(response, 201)
    body = response.json()
    url = f"/api/v1/enforcement-documents/{body['id']}/"
    assert body["state"] == "issued" and body["state_label"] == "已签发，待送达"
    assert body["kind"] == "order" and body["title"] == "责令限期整改指令书"
    assert not body["kind_label"].isascii()
    assert "责改" in body["number"] and body["allowed_moves"] == ["serve", "void"]
    pdf = api.get(body["pdf_url"])
    assert_status(pdf, 200)
    assert pdf["Content-Type"] == "application/pdf"
    # missing and stale versions
    assert_status(api.post(url + "serve/", {"signed_by": "王五"}), 400)
    assert_status(api.post(url + "serve/", {"signed_by": "王五", "version": 7}), 409)
    assert_status(api.post(url + "serve/", {"version": 1}), 400)  # who signed
    served = api.post(url + "serve/", {"signed_by": "王五", "version": 1})
    assert_status(served, 200)
    entry = AuditEntry.objects.filter(action="enforcement.document.serve").get()
    assert entry.actor == inspector
    assert served.json()["state"] == "served" and served.json()["version"] == 2
    assert_status(api.post(url + "acknowledge/", {"version": 2}), 403)
    api.as_user(manager)
    assert served.json()["allowed_moves"]  # the inspector's moves
    assert api.get(url).json()["allowed_moves"] == ["acknowledge"]
    assert_status(api.post(url + "close/", {"version": 2}), 403)
    acked = api.post(url + "acknowledge/", {"version": 2})
    assert_status(acked, 200)
    assert acked.json()["state"] == "acknowledged"
    assert_status(api.post(url + "acknowledge/", {"version": 3}), 409)  # not from this state
    api.as_user(inspector)
    recheck = api.post(
        "/api/v1/enforcement-documents/",
        {"kind": "recheck", "original": body["id"], "findings": "已整改", "result": "passed"},
    )
    assert_status(recheck, 201)
    assert recheck.json()["original"] == body["id"]
    assert api.get(url).json()["state"] == "closed"
    # on-site measures from a visit, then voided
    measures = api.post(
        "/api/v1/enforcement-documents/",
        {
            "kind": "measures",
            "visit": visit.pk,
            "findings": "氨泄漏",
            "measures": ["stop_area", "evacuate"],
            "measure_scope": "液氨罐区",
        },
    )
    assert_status(measures, 201)
    murl = f"/api/v1/enforcement-documents/{measures.json()['id']}/"
    assert measures.json()["measure_labels"] == [
        "停止作业区域内的作业",
        "疏散危险区域内的人员",
    ] or (len(measures.json()["measure_labels"]) == 2)
    assert_status(api.post(murl + "void/", {"version": 1}), 400)
    voided = api.post(murl + "void/", {"version": 1, "reason": "误开"})
    assert_status(voided, 200)
    assert voided.json()["state"] == "voided"
    # served with a refusal, then closed by the enforcer
    other = api.post(
        "/api/v1/enforcement-documents/",
        {"kind": "order", "hazard": hazard.pk, "findings": "再查", "deadline": deadline},
    ).json()
    ourl = f"/api/v1/enforcement-documents/{other['id']}/"
    refused = api.post(ourl + "serve/", {"version": 1, "refused": True, "refusal_note": "两人见证"})
    assert refused.json()["refused"] is True and refused.json()["state"] == "served"
    assert api.post(ourl + "close/", {"version": 2}).json()["state"] == "closed"
    # filters
    listed = api.get("/api/v1/enforcement-documents/?kind=order&state=closed")
    assert ids_in(listed) == {body["id"], other["id"]}
    today = timezone.localdate().isoformat()
    assert len(ids_in(api.get(f"/api/v1/enforcement-documents/?issued_from={today}"))) == 4
    assert ids_in(api.get("/api/v1/enforcement-documents/?issued_to=2000-01-01")) == set()
    assert ids_in(api.get(f"/api/v1/enforcement-documents/?enterprise={world.outside.pk}")) == set()
    assert_status(api.get("/api/v1/enforcement-documents/?kind=nonsense"), 400)
    api.as_user(world.user(R.EXPERT))
    assert_status(api.get(body["pdf_url"]), 404)


def test_a_penalty_case_walks_to_its_decision_and_close(world, api, hazard):
    inspector = world.user(R.COUNTY_INSPECTOR)
    api.as_user(inspector)
    created = api.post("/api/v1/penalty-cases/", {"hazard": hazard.pk, "facts": "未消除隐患"})
    assert_status(created, 201)
    case = created.json()
    url = f"/api/v1/penalty-cases/{case['id']}/"
    assert case["state"] == "filed" and case["state_label"] == "已立案"
    assert case["pdf_url"] is None
    assert case["allowed_moves"] == ["investigate", "withdraw"]
    assert_status(api.get(url + "decision.pdf/"), 404)
    assert api.post(url + "investigate/", {"version": 1}).json()["state"] == "investigating"
    basis = LegalBasis.objects.get(code="aqsf-102")
    bases = api.get("/api/v1/enforcement-legal-bases/").json()
    assert basis.pk in {b["id"] for b in bases}
    for bad, field in (
        ({"fine": "60000"}, "fine"),  # above the provision's highest
        ({"fine": "很多"}, "fine"),
        ({"basis": "x"}, "basis"),
        ({"basis": 999999}, "basis"),
        ({"findings": ""}, "findings"),
    ):
        body = {"version": 2, "findings": "属实", "basis": basis.pk, "fine": "20000", **bad}
        response = api.post(url + "notify/", body)
        assert_status(response, 400, str(bad))
        assert field in response.json()["error"]["fields"], bad
    notified = api.post(
        url + "notify/", {"version": 2, "findings": "属实", "basis": basis.pk, "fine": "20000"}
    )
    assert notified.json()["state"] == "notified" and notified.json()["fine"] == "20000.00"
    assert_status(api.post(url + "decide/", {"version": 3}), 403)
    api.as_user(world.user(R.COUNTY_ADMIN))
    decided = api.post(url + "decide/", {"version": 3})
    assert_status(decided, 200)
    assert decided.json()["state"] == "decided" and "罚" in decided.json()["decision_number"]
    assert CreditEvent.objects.filter(
        source="enforcement.penaltycase", source_id=case["id"], kind="penalty_decision"
    ).exists()
    pdf = api.get(decided.json()["pdf_url"])
    assert_status(pdf, 200)
    assert pdf["Content-Type"] == "application/pdf"
    api.as_user(inspector)
    assert_status(api.post(url + "execute/", {"version": 4}), 400)
    assert api.post(url + "execute/", {"version": 4, "note": "已缴纳"}).json()["state"] == (
        "executed"
    )
    assert api.post(url + "close/", {"version": 5}).json()["state"] == "closed"
    assert_status(api.post(url + "withdraw/", {"version": 6, "reason": "x"}), 409)
    other = api.post("/api/v1/penalty-cases/", {"hazard": hazard.pk, "facts": "另案"}).json()
    ourl = f"/api/v1/penalty-cases/{other['id']}/"
    withdrawn = api.post(ourl + "withdraw/", {"version": 1, "reason": "不予立案"})
    assert withdrawn.json()["state"] == "withdrawn"
    assert ids_in(api.get("/api/v1/penalty-cases/?state=withdrawn")) == {other["id"]}


def test_a_measure_walks_approval_interview_response_and_close(world, api, departments):
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    at = (timezone.now() + timedelta(days=2)).isoformat()
    created = api.post(
        "/api/v1/sanctions/",
        {
            "kind": "interview",
            "target_kind": "person",
            "enterprise": world.inside.pk,
            "person_name": "李四",
            "person_post": "总经理",
            "reason": "重大隐患逾期",
            "approval_level": "city",
            "interview_at": at,
            "interview_place": "区应急局三楼会议室",
        },
    )
    assert_status(created, 201)
    sanction = created.json()
    url = f"/api/v1/sanctions/{sanction['id']}/"
    assert sanction["state"] == "drafted" and sanction["kind_label"] == "约谈"
    assert sanction["pdf_url"] is None
    api.as_user(world.user(R.COUNTY_ADMIN))  # a city-level measure
    assert_status(api.post(url + "approve/", {"version": 1}), 403)
    api.as_user(world.user(R.CITY_ADMIN))
    approved = api.post(url + "approve/", {"version": 1, "public": True})
    assert_status(approved, 200)
    body = approved.json()
    assert body["state"] == "approved" and "追责" in body["number"] and body["public"] is True
    assert_status(api.get(body["pdf_url"]), 200)
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    bad = api.post(
        url + "record-interview/",
        {"version": 2, "record": "约谈", "commitments": [{"text": "整改", "due_on": "x"}]},
    )
    assert_status(bad, 400)
    assert "commitments" in bad.json()["error"]["fields"]
    recorded = api.post(
        url + "record-interview/",
        {
            "version": 2,
            "record": "约谈了总经理",
            "commitments": [{"text": "十日内整改", "due_on": due}],
        },
    )
    assert_status(recorded, 200)
    assert recorded.json()["state"] == "approved"
    assert [c["text"] for c in recorded.json()["commitments"]] == ["十日内整改"]
    api.as_user(world.user(R.SAFETY_MANAGER))
    respond = url + "respond/"
    assert_status(api.client.post(respond, {"version": 3}), 400)
    not_pdf = SimpleUploadedFile("x.pdf", b"not a pdf")
    response = api.client.post(respond, {"version": 3, "response": not_pdf})
    assert_status(response, 400)
    assert "response" in response.json()["error"]["fields"]
    huge = pdf_upload(size=20 * 1024 * 1024 + 1)
    response = api.client.post(respond, {"version": 3, "response": huge})
    assert_status(response, 400)
    assert "response" in response.json()["error"]["fields"]
    assert_status(api.client.post(respond, {"version": 1, "response": pdf_upload()}), 409)
    responded = api.client.post(respond, {"version": 3, "response": pdf_upload()})
    assert_status(responded, 200)
    assert responded.json()["state"] == "responded"
    assert_status(api.get(responded.json()["response_url"]), 200)
    assert_status(api.post(url + "close/", {"version": 4}), 403)
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    again = api.post(url + "record-interview/", {"version": 4, "record": "二次约谈"})
    assert again.json()["state"] == "responded" and again.json()["version"] == 5
    assert api.post(url + "close/", {"version": 5}).json()["state"] == "closed"
    # a measure against a county department, rejected
    dept = api.post(
        "/api/v1/sanctions/",
        {
            "kind": "no_awards",
            "target_kind": "department",
            "department": departments["county"].pk,
            "reason": "指标超标",
            "approval_level": "county",
        },
    ).json()
    api.as_user(world.user(R.COUNTY_ADMIN))
    durl = f"/api/v1/sanctions/{dept['id']}/"
    assert_status(api.post(durl + "reject/", {"version": 1}), 400)
    assert api.post(durl + "reject/", {"version": 1, "reason": "证据不足"}).json()["state"] == (
        "rejected"
    )


def test_a_proposal_is_drafted_into_a_measure_or_dismissed(world, api, departments):
    make_hazard(world.inside, days_left=-40)
    make_hazard(world.inside, days_left=-50)
    services.evaluate_triggers(timezone.localdate())
    first, second = Proposal.objects.filter(enterprise=world.inside).order_by("pk")
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    row = api.get(f"/api/v1/accountability-proposals/{first.pk}/").json()
    assert row["state"] == "open" and row["allowed_moves"] == ["draft", "dismiss"]
    assert row["state_label"] and not row["state_label"].isascii()
    url = f"/api/v1/accountability-proposals/{first.pk}/"
    assert_status(api.post(url + "draft/", {"version": 5}), 409)
    drafted = api.post(url + "draft/", {"version": 1, "respond_by": "2099-01-01"})
    assert_status(drafted, 201)
    assert drafted.json()["state"] == "drafted" and drafted.json()["proposal"] == first.pk
    assert drafted.json()["kind"] == first.rule.measure
    assert api.get(url).json()["state"] == "accepted"
    assert_status(api.post(url + "dismiss/", {"version": 2, "reason": "x"}), 409)
    surl = f"/api/v1/accountability-proposals/{second.pk}/"
    assert_status(api.post(surl + "dismiss/", {"version": 1}), 400)
    dismissed = api.post(surl + "dismiss/", {"version": 1, "reason": "已依法处罚"})
    assert dismissed.json()["state"] == "dismissed"
    assert ids_in(api.get("/api/v1/accountability-proposals/?state=open")) == set()


def test_the_rules_in_force_are_read_by_regulators(world, api):
    for url in ("/api/v1/enforcement-rules/", "/api/v1/enforcement-legal-bases/"):
        for role in ROLES:
            api.as_user(world.users[role])
            response = api.get(url)
            assert_status(response, 200 if role in REGULATORS else 403, f"{role} {url}")
        api.client.logout()
        assert_status(api.get(url), 401)
    api.as_user(world.user(R.PARK_OFFICER))
    rules = api.get("/api/v1/enforcement-rules/").json()
    kinds = [r["kind"] for r in rules]
    assert "hazard_overdue" in kinds and len(kinds) == len(set(kinds))
    assert all(r["measure_label"] and r["kind_label"] for r in rules)
    assert_status(api.post("/api/v1/enforcement-rules/", {}), 405)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "nonsense"}, "kind"),
        ({"kind": ["order"]}, "kind"),
        ({"hazard": "abc"}, "hazard"),
        ({"hazard": 10**30}, "hazard"),
        ({"findings": "防护\x00罩"}, "findings"),
        ({"findings": "x" * 5001}, "findings"),
        ({"deadline": "tomorrow"}, "deadline"),
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"legal_basis": "<script>alert(1)</script>" * 20}, "legal_basis"),
        ({"measures": "stop_area"}, "measures"),
        ({"findings": ""}, "findings"),
    ],
)
def test_bad_document_input_is_400_on_its_field_and_issues_nothing(world, api, hazard, body, field):
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    good = {"kind": "order", "hazard": hazard.pk, "findings": "防护罩缺失", "deadline": deadline}
    response = api.post("/api/v1/enforcement-documents/", {**good, **body})
    assert_status(response, 400, str(body))
    assert field in response.json()["error"]["fields"]
    assert not Document.objects.exists()


def test_hostile_text_is_kept_as_text_and_ids_that_name_nothing_are_404(world, api, hazard):
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    hostile = "'; DROP TABLE enforcement_document; -- <img src=x onerror=alert(1)>"
    response = api.post("/api/v1/penalty-cases/", {"hazard": hazard.pk, "facts": hostile})
    assert_status(response, 201)
    assert response.json()["facts"] == hostile
    for url in (
        "/api/v1/penalty-cases/abc/",
        "/api/v1/penalty-cases/99999999999999999999999/",
        "/api/v1/penalty-cases/0/",
        "/api/v1/sanctions/abc/approve/",
        "/api/v1/enforcement-documents/1.5/",
    ):
        assert_status(api.get(url) if "approve" not in url else api.post(url, {}), 404, url)
    response = api.post("/api/v1/penalty-cases/", {"hazard": hazard.pk, "facts": "a\x07b"})
    assert_status(response, 400)
    assert "facts" in response.json()["error"]["fields"]
    response = api.post(
        "/api/v1/sanctions/",
        {
            "kind": "criticism",
            "target_kind": "enterprise",
            "enterprise": "1; DROP",
            "reason": "x",
            "approval_level": "county",
        },
    )
    assert_status(response, 400)
    assert "enterprise" in response.json()["error"]["fields"]
    assert PenaltyCase.objects.count() == 1 and not Sanction.objects.exists()


def test_the_errors_read_in_chinese(world, api, hazard):
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    case = api.post("/api/v1/penalty-cases/", {"hazard": hazard.pk, "facts": "x"}).json()
    response = api.post(f"/api/v1/penalty-cases/{case['id']}/investigate/", {})
    assert response.json()["error"]["fields"]["version"] == ["该字段是必填项。"]


def test_the_schema_describes_the_endpoints(world, api):
    api.as_user(world.user(R.CITY_ADMIN))
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/enforcement-documents/",
        "/api/v1/enforcement-documents/{id}/serve/",
        "/api/v1/enforcement-documents/{id}/document.pdf/",
        "/api/v1/penalty-cases/{id}/decide/",
        "/api/v1/penalty-cases/{id}/decision.pdf/",
        "/api/v1/sanctions/{id}/respond/",
        "/api/v1/sanctions/{id}/record-interview/",
        "/api/v1/accountability-proposals/{id}/draft/",
        "/api/v1/enforcement-rules/",
        "/api/v1/enforcement-legal-bases/",
    ):
        assert path in paths, path


def test_every_move_of_every_lifecycle_table_has_its_endpoint(world, api):
    from safeloop.enforcement.workflow import (
        CASE_WORKFLOW,
        DOCUMENT_WORKFLOW,
        PROPOSAL_WORKFLOW,
        SANCTION_WORKFLOW,
    )

    api.as_user(world.user(R.CITY_ADMIN))
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    created = {"issue", "file", "draft", "raise"}  # POST to the list (raise: the daily job)
    renamed = {"accept": "draft"}
    for workflow, base in (
        (DOCUMENT_WORKFLOW, "enforcement-documents"),
        (CASE_WORKFLOW, "penalty-cases"),
        (SANCTION_WORKFLOW, "sanctions"),
        (PROPOSAL_WORKFLOW, "accountability-proposals"),
    ):
        moves = {t.move for t in workflow.transitions} - created
        for move in moves:
            slug = renamed.get(move, move).replace("_", "-")
            assert "post" in paths[f"/api/v1/{base}/{{id}}/{slug}/"], (base, move)


def test_a_case_is_filed_from_a_document_on_its_hidden_danger(world, api, order):
    api.as_user(world.user(R.COUNTY_INSPECTOR))
    response = api.post("/api/v1/penalty-cases/", {"original": order.pk, "facts": "逾期未整改"})
    assert_status(response, 201)
    assert response.json()["hazard"] == order.hazard_id
    assert response.json()["enterprise"] == world.inside.pk
    api.as_user(world.user(R.GRID_INSPECTOR))  # sees the order, does not enforce
    response = api.post("/api/v1/penalty-cases/", {"original": order.pk, "facts": "逾期未整改"})
    assert_status(response, 403)
    assert PenaltyCase.objects.count() == 1

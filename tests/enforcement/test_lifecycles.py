"""Every lifecycle walked through the real services over its whole table, with the exact
status of each refused move; the hazard's accountability record takes the sanction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.core.errors import Invalid, NotFound, NotPermitted, status_for
from safeloop.enforcement import selectors, services, signals
from safeloop.enforcement.choices import (
    CaseState,
    DocumentKind,
    DocumentState,
    ProposalState,
    SanctionState,
)
from safeloop.enforcement.models import LegalBasis
from safeloop.hazards.models import Accountability
from safeloop.orgs.roles import Role
from tests.enforcement.conftest import issue_order, make_hazard


def status(func, **kw):
    try:
        func(**kw)
    except Exception as error:  # noqa: BLE001 — the status is the assertion
        return status_for(error)
    return 200


def pdf_upload(name="response.pdf"):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")


def test_it_walks_a_document_from_issue_to_recheck(world, hazard):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    manager = world.user(Role.SAFETY_MANAGER)
    order = issue_order(world, hazard)
    assert order.state == DocumentState.ISSUED
    # the enterprise cannot acknowledge what is not served: 409; a grid inspector may not serve
    assert status(services.acknowledge_document, actor=manager, document=order, version=1) == 409
    assert (
        status(
            services.serve_document,
            actor=world.user(Role.GRID_INSPECTOR),
            document=order,
            version=1,
            signed_by="张三",
        )
        == 403
    )
    assert (
        status(
            services.serve_document,
            actor=world.user(Role.CITY_INSPECTOR),
            document=issue_order(world, make_hazard(world.outside)) if False else order,
            version=1,
            signed_by="",
        )
        == 400
    )
    order = services.serve_document(actor=inspector, document=order, version=1, signed_by="张三")
    assert order.state == DocumentState.SERVED and order.signed_by == "张三"
    assert (
        status(
            services.serve_document, actor=inspector, document=order, version=2, signed_by="张三"
        )
        == 409
    )
    order = services.acknowledge_document(actor=manager, document=order, version=2)
    assert order.state == DocumentState.ACKNOWLEDGED
    recheck = services.issue_document(
        actor=inspector,
        kind=DocumentKind.RECHECK,
        original=order,
        findings="已整改",
        result="passed",
    )
    order.refresh_from_db()
    assert order.state == DocumentState.CLOSED and recheck.original_id == order.pk
    assert recheck.hazard_id == hazard.pk


def test_it_refuses_a_document_outside_scope_and_records_a_refusal(world, departments):
    outside = make_hazard(world.outside)
    with pytest.raises(Invalid):  # an unseen hazard is no such record: 400 on the field
        issue_order(world, outside)
    theirs = issue_order(world, outside, actor=world.user(Role.SYSTEM_ADMIN))
    assert (
        status(
            services.void_document,
            actor=world.user(Role.COUNTY_INSPECTOR),
            document=theirs,
            version=1,
            reason="错",
        )
        == 404
    )
    served = services.serve_document(
        actor=world.user(Role.SYSTEM_ADMIN),
        document=theirs,
        version=1,
        refused=True,
        refusal_note="两名见证人在场，留置送达",
    )
    assert served.refused and served.signed_by == ""
    closed = services.close_document(
        actor=world.user(Role.SYSTEM_ADMIN), document=served, version=2
    )
    assert closed.state == DocumentState.CLOSED
    other = issue_order(world, outside, actor=world.user(Role.SYSTEM_ADMIN))
    voided = services.void_document(
        actor=world.user(Role.SYSTEM_ADMIN), document=other, version=1, reason="填写错误"
    )
    assert voided.state == DocumentState.VOIDED


def test_it_walks_a_penalty_case_and_announces_the_decision(world, hazard):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    heard = []

    def receiver(sender, decision, **kw):
        heard.append(decision)

    signals.decided.connect(receiver)
    try:
        case = services.file_case(actor=inspector, hazard=hazard, facts="未采取措施消除事故隐患")
        assert case.state == CaseState.FILED and "立" in case.number
        case = services.investigate_case(actor=inspector, case=case, version=1)
        basis = LegalBasis.objects.get(code="aqsf-102")
        assert (
            status(
                services.notify_case,
                actor=inspector,
                case=case,
                version=2,
                findings="属实",
                basis=basis,
                fine="60000",
            )
            == 400
        )
        case = services.notify_case(
            actor=inspector, case=case, version=2, findings="属实", basis=basis, fine="20000"
        )
        assert status(services.decide_case, actor=inspector, case=case, version=3) == 403
        case = services.decide_case(actor=world.user(Role.COUNTY_ADMIN), case=case, version=3)
        assert case.state == CaseState.DECIDED and "罚" in case.decision_number
        case = services.execute_case(actor=inspector, case=case, version=4, note="已缴纳")
        case = services.close_case(actor=inspector, case=case, version=5)
        assert case.state == CaseState.CLOSED
    finally:
        signals.decided.disconnect(receiver)
    assert [d.kind for d in heard] == ["penalty"]
    assert heard[0].fine == Decimal("20000")
    assert [d.number for d in selectors.decisions_for(world.inside)] == [case.decision_number]
    other = services.file_case(actor=inspector, hazard=hazard, facts="另案")
    other = services.withdraw_case(actor=inspector, case=other, version=1, reason="不予立案")
    assert other.state == CaseState.WITHDRAWN
    assert status(services.investigate_case, actor=inspector, case=other, version=2) == 409


def test_it_walks_a_proposal_to_an_approved_sanction_on_the_accountability_row(world, departments):
    today = timezone.localdate()
    hazard = make_hazard(world.inside, days_left=-40)
    record = Accountability.objects.create(hazard=hazard, deadline=hazard.deadline)
    services.evaluate_triggers(today)
    proposal = selectors.proposals_for(world.user(Role.COUNTY_ADMIN)).get(kind="hazard_overdue")
    assert proposal.accountability_id == record.pk
    assert proposal.evidence["days_overdue"] == 40
    assert (
        status(
            services.accept_proposal,
            actor=world.user(Role.PARK_OFFICER),
            proposal=proposal,
            version=1,
        )
        == 403
    )
    sanction = services.accept_proposal(
        actor=world.user(Role.COUNTY_INSPECTOR),
        proposal=proposal,
        version=1,
        respond_by=today + timedelta(days=10),
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert sanction.state == SanctionState.DRAFTED and sanction.kind == "criticism"
    assert (
        status(
            services.approve_sanction,
            actor=world.user(Role.COUNTY_INSPECTOR),
            sanction=sanction,
            version=1,
        )
        == 403
    )
    sanction = services.approve_sanction(
        actor=world.user(Role.COUNTY_ADMIN), sanction=sanction, version=1
    )
    assert sanction.state == SanctionState.APPROVED and "追责" in sanction.number
    record.refresh_from_db()
    assert sanction.number in record.sanction
    with pytest.raises(Invalid):
        services.respond_sanction(
            actor=world.user(Role.SAFETY_MANAGER),
            sanction=sanction,
            version=2,
            response=SimpleUploadedFile("x.pdf", b"not a pdf"),
        )
    sanction = services.respond_sanction(
        actor=world.user(Role.SAFETY_MANAGER),
        sanction=sanction,
        version=2,
        response=pdf_upload(),
    )
    assert sanction.state == SanctionState.RESPONDED
    sanction = services.close_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR), sanction=sanction, version=3
    )
    assert sanction.state == SanctionState.CLOSED
    dismissed_hazard = make_hazard(world.inside, days_left=-50)
    services.evaluate_triggers(today)
    second = selectors.proposals_for(world.user(Role.COUNTY_ADMIN)).get(hazard=dismissed_hazard)
    second = services.dismiss_proposal(
        actor=world.user(Role.COUNTY_INSPECTOR), proposal=second, version=1, reason="已依法处罚"
    )
    assert second.state == ProposalState.DISMISSED


def test_it_needs_the_city_to_approve_a_city_measure_and_tracks_interview_commitments(
    world, departments
):
    today = timezone.localdate()
    sanction = services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind="interview",
        target_kind="person",
        enterprise=world.inside,
        person_name="李四",
        person_post="总经理",
        reason="重大隐患逾期",
        approval_level="city",
        interview_at=timezone.now() + timedelta(days=2),
        interview_place="区应急局三楼会议室",
    )
    assert (
        status(
            services.approve_sanction,
            actor=world.user(Role.COUNTY_ADMIN),
            sanction=sanction,
            version=1,
        )
        == 403
    )
    rejected = services.draft_sanction(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind="no_awards",
        target_kind="department",
        department=departments["county"],
        reason="指标超标",
        approval_level="city",
    )
    rejected = services.reject_sanction(
        actor=world.user(Role.CITY_ADMIN), sanction=rejected, version=1, reason="证据不足"
    )
    assert rejected.state == SanctionState.REJECTED
    sanction = services.approve_sanction(
        actor=world.user(Role.CITY_ADMIN), sanction=sanction, version=1
    )
    assert sanction.issuer == "银川市应急管理局"
    sanction = services.record_interview(
        actor=world.user(Role.COUNTY_INSPECTOR),
        sanction=sanction,
        version=2,
        record="约谈了总经理",
        commitments=[("十日内完成整改", today + timedelta(days=10))],
    )
    assert sanction.state == SanctionState.APPROVED
    item = sanction.commitments.get()
    assert item.done_at is None
    item = services.complete_commitment(
        actor=world.user(Role.SAFETY_MANAGER), commitment=item, version=1, note="已整改"
    )
    assert item.done_at is not None
    with pytest.raises(NotFound):
        services.close_sanction(
            actor=world.user(Role.SAFETY_MANAGER) if False else world.user(Role.SAFETY_MANAGER),
            sanction=rejected,
            version=2,
        )


def test_it_keeps_rules_add_only_and_for_editors(world):
    today = timezone.localdate()
    with pytest.raises(NotPermitted):
        services.add_trigger_rule(
            actor=world.user(Role.COUNTY_ADMIN),
            kind="hazard_overdue",
            params={"days": 10},
            measure="criticism",
            approval_level="county",
            effective_from=today,
            source="x",
        )
    with pytest.raises(Invalid):
        services.add_trigger_rule(
            actor=world.user(Role.CITY_ADMIN),
            kind="hazard_overdue",
            params={"days": "ten"},
            measure="criticism",
            approval_level="county",
            effective_from=today,
            source="x",
        )
    services.add_trigger_rule(
        actor=world.user(Role.CITY_ADMIN),
        kind="hazard_overdue",
        params={"days": 10},
        measure="yellow_card",
        approval_level="county",
        effective_from=today,
        source="局务会",
    )
    assert selectors.rules_in_force(today)["hazard_overdue"].params == {"days": 10}
    assert selectors.rules_in_force(today - timedelta(days=1))["hazard_overdue"].params == {
        "days": 30
    }

"""The enforcement 文书 one tap from every page of their records: the order on the visit's, the
hidden danger's, the enterprise's and its own page, the penalty decision on the case's, the
hidden danger's and the enterprise's page, the accountability notice on its own and the
enterprise's page; each with its number, for every role that may read it (the enterprise's
staff too), 404 and no link for the others."""

import pytest

from safeloop.enforcement import services
from safeloop.enforcement.models import LegalBasis
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.enforcement.conftest import issue_order
from tests.record_documents import assert_document, stranger
from tests.scope import ROLES

READERS = set(REGULATORS | ENTERPRISE_STAFF)


@pytest.fixture
def records(world, visit, hazard):
    inspector, admin = world.user(Role.COUNTY_INSPECTOR), world.user(Role.COUNTY_ADMIN)
    order = issue_order(world, hazard, visit=visit)
    case = services.file_case(actor=inspector, hazard=hazard, facts="未采取措施消除事故隐患")
    case = services.investigate_case(actor=inspector, case=case, version=1)
    basis = LegalBasis.objects.get(code="aqsf-102")
    case = services.notify_case(
        actor=inspector, case=case, version=2, findings="属实", basis=basis, fine="20000"
    )
    case = services.decide_case(actor=admin, case=case, version=3)
    sanction = services.draft_sanction(
        actor=inspector,
        kind="criticism",
        target_kind="enterprise",
        enterprise=world.inside,
        reason="隐患逾期未整改",
        approval_level="county",
    )
    sanction = services.approve_sanction(actor=admin, sanction=sanction, version=1)
    firm = f"/enterprises/{world.inside.pk}/"
    return [
        (
            "enforcement-order",
            f"/enforcement/documents/{order.pk}/document.pdf",
            order.number,
            [
                f"/inspections/visits/{visit.pk}/",
                f"/hazards/{hazard.pk}/",
                firm,
                f"/enforcement/documents/{order.pk}/",
            ],
        ),
        (
            "enforcement-decision",
            f"/enforcement/cases/{case.pk}/decision.pdf",
            case.decision_number,
            [f"/enforcement/cases/{case.pk}/", f"/hazards/{hazard.pk}/", firm],
        ),
        (
            "enforcement-sanction",
            f"/enforcement/sanctions/{sanction.pk}/notice.pdf",
            sanction.number,
            [f"/enforcement/sanctions/{sanction.pk}/", firm],
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_document_opens_from_the_pages_of_its_records(world, client, records, role):
    for kind, pdf, number, pages in records:
        for page in pages:
            if role in ENTERPRISE_STAFF and page.startswith("/inspections/visits/"):
                continue  # a visit not yet submitted is not shown to the enterprise
            opens = role in READERS
            assert_document(
                client, world.users[role], page, pdf, kind=kind, number=number, opens=opens
            )


def test_outside_the_scope_no_document_is_listed_or_opens(world, client, records):
    outsider = stranger(world)
    for kind, pdf, _number, pages in records:
        for page in pages:
            assert_document(client, outsider, page, pdf, kind=kind, opens=False)

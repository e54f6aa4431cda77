"""The enforcement 文书 on record pages (`core.record_documents`): 责令限期整改指令书,
现场处理措施决定书 and 整改复查意见书 on the page of the visit, hidden danger or enterprise
they concern and on the document's own page (with its re-check opinions); the 行政处罚决定书
on the case's page and on the pages it concerns; the notice of a measure of accountability
on its page and its enterprise's page. Each for whoever may see it: the PDF views read the
same selectors."""

from django.db.models import Q
from django.urls import reverse

from safeloop.core.record_documents import RecordDocument, register
from safeloop.enforcement import selectors
from safeloop.enforcement.choices import SANCTION_TITLES, SanctionKind
from safeloop.enforcement.models import Document, PenaltyCase, Sanction
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.models import Hazard
from safeloop.inspections.models import Visit

LIMIT = 50


def _documents(rows) -> list[RecordDocument]:
    return [
        RecordDocument(
            kind=f"enforcement-{d.kind}",
            title=d.title,
            number=d.number,
            date=d.issued_at,
            url=reverse("enforcement-document-pdf", args=[d.pk]),
            state=d.get_state_display(),
            page=reverse("enforcement-document", args=[d.pk]),
        )
        for d in rows.order_by("-issued_at", "-id")[:LIMIT]
    ]


def _decisions(rows) -> list[RecordDocument]:
    return [
        RecordDocument(
            kind="enforcement-decision",
            title="行政处罚决定书",
            number=case.decision_number,
            date=case.decided_at,
            url=reverse("enforcement-case-pdf", args=[case.pk]),
            state=case.get_state_display(),
            page=reverse("enforcement-case", args=[case.pk]),
        )
        for case in rows.exclude(decision_number="").order_by("-decided_at", "-id")[:LIMIT]
    ]


def _sanctions(rows) -> list[RecordDocument]:
    return [
        RecordDocument(
            kind="enforcement-sanction",
            title=SANCTION_TITLES[SanctionKind(s.kind)],
            number=s.number,
            date=s.approved_at,
            url=reverse("enforcement-sanction-pdf", args=[s.pk]),
            state=s.get_state_display(),
            page=reverse("enforcement-sanction", args=[s.pk]),
        )
        for s in rows.exclude(number="").order_by("-approved_at", "-id")[:LIMIT]
    ]


@register(Visit)
def of_visit(visit, user):
    return _documents(selectors.documents_for(user).filter(visit=visit)) + _decisions(
        selectors.cases_for(user).filter(visit=visit)
    )


@register(Hazard)
def of_hazard(hazard, user):
    documents = selectors.documents_for(user).filter(Q(hazard=hazard) | Q(original__hazard=hazard))
    return _documents(documents) + _decisions(selectors.cases_for(user).filter(hazard=hazard))


@register(Enterprise)
def of_enterprise(enterprise, user):
    return (
        _documents(selectors.documents_for(user).filter(enterprise=enterprise))
        + _decisions(selectors.cases_for(user).filter(enterprise=enterprise))
        + _sanctions(selectors.sanctions_for(user).filter(enterprise=enterprise))
    )


@register(Document)
def of_document(document, user):
    return _documents(
        selectors.documents_for(user).filter(Q(pk=document.pk) | Q(original=document))
    )


@register(PenaltyCase)
def of_case(case, user):
    return _decisions(selectors.cases_for(user).filter(pk=case.pk))


@register(Sanction)
def of_sanction(sanction, user):
    return _sanctions(selectors.sanctions_for(user).filter(pk=sanction.pk))

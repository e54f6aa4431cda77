"""The inspection documents on record pages (`core.record_documents`): the signed 检查记录 of a
submitted visit, on the visit's page, on its plan's page and on its enterprise's page, for
whoever may see the visit (the PDF view reads the same scope)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from safeloop.core.record_documents import RecordDocument, register
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import selectors
from safeloop.inspections.models import Plan, Visit

LIMIT = 50


def records(visits, *, name_enterprise: bool) -> list[RecordDocument]:
    title = _("Inspection record")
    return [
        RecordDocument(
            kind="inspection-record",
            title=f"{title} · {visit.enterprise.name}" if name_enterprise else title,
            number="",
            date=visit.submitted_at,
            url=reverse("inspection-visit-record", args=[visit.pk]),
            state=visit.get_state_display(),
        )
        for visit in visits
    ]


def with_record(user):
    return (
        selectors.visits_for(user)
        .filter(record_pdf__isnull=False)
        .defer("record_pdf", "inspector_signature", "representative_signature")
        .order_by("-submitted_at", "-id")
    )


@register(Visit)
def of_visit(visit, user):
    return records(with_record(user).filter(pk=visit.pk), name_enterprise=False)


@register(Plan)
def of_plan(plan, user):
    return records(with_record(user).filter(plan=plan)[:LIMIT], name_enterprise=True)


@register(Enterprise)
def of_enterprise(enterprise, user):
    return records(with_record(user).filter(enterprise=enterprise)[:LIMIT], name_enterprise=False)

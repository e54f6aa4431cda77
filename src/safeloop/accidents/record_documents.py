"""The accident documents on record pages (`core.record_documents`): the investigation report
(PDF) a closed case keeps, on the accident's page and on its enterprise's page, for whoever may
see the accident (the report's view reads the same scope)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from safeloop.accidents import selectors
from safeloop.accidents.models import Accident, Investigation
from safeloop.core.record_documents import RecordDocument, register
from safeloop.enterprises.models import Enterprise

LIMIT = 50


def reports(accidents) -> list[RecordDocument]:
    cases = (
        Investigation.objects.filter(accident__in=accidents)
        .exclude(report="")
        .order_by("-closed_at", "-id")[:LIMIT]
    )
    return [
        RecordDocument(
            kind="accident-report",
            title=_("Accident investigation report"),
            number="",
            date=case.closed_at,
            url=reverse("accident-investigation-report", args=[case.accident_id]),
            state=case.get_state_display(),
        )
        for case in cases
    ]


@register(Accident)
def of_accident(accident, user):
    return reports(selectors.accidents_for(user).filter(pk=accident.pk).values("pk"))


@register(Enterprise)
def of_enterprise(enterprise, user):
    return reports(selectors.accidents_for(user).filter(enterprise=enterprise).values("pk"))

"""The hidden-danger documents on record pages (`core.record_documents`): the 隐患整改通知书 of a
regulator-found hazard and the 挂牌督办通知书 of a listed one, on the hazard's page and on its
enterprise's page, for whoever may see the hazard (the PDF views read the same scope)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safeloop.core.record_documents import RecordDocument, register
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import selectors
from safeloop.hazards.models import Hazard

LIMIT = 50


def notices(hazards) -> list[RecordDocument]:
    found = []
    for hazard in hazards:
        if hazard.notice_number:
            found.append(
                RecordDocument(
                    kind="hazard-notice",
                    title=_("Hidden-danger rectification notice"),
                    number=hazard.notice_number,
                    date=hazard.found_at,
                    url=reverse("hazard-notice", args=[hazard.pk]),
                    state=hazard.get_state_display(),
                )
            )
        listing = getattr(hazard, "listing", None)
        if listing is not None:
            found.append(
                RecordDocument(
                    kind="hazard-listing",
                    title=_("Listed-supervision notice"),
                    number=listing.notice_number,
                    date=listing.listed_at,
                    url=reverse("hazard-listing-notice", args=[hazard.pk]),
                    state=(
                        pgettext("listing", "delisted")
                        if listing.delisted_at
                        else pgettext("listing", "listed")
                    ),
                )
            )
    return found


def with_documents(user):
    return (
        selectors.hazards_for(user)
        .exclude(notice_number="", listing__isnull=True)
        .select_related("listing")
    )


@register(Hazard)
def of_hazard(hazard, user):
    return notices(with_documents(user).filter(pk=hazard.pk))


@register(Enterprise)
def of_enterprise(enterprise, user):
    return notices(with_documents(user).filter(enterprise=enterprise).order_by("-found_at")[:LIMIT])

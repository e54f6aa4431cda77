"""Reads of the credit app, always through the reader's scope."""

from django.db.models import QuerySet

from safeloop.credit.choices import CURRENT_LISTING, ListingState, RepairState
from safeloop.credit.models import CreditRecord, Listing, Repair


def records_for(user) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.for_user(user, "view").select_related("enterprise")


def listings_for(user) -> QuerySet[Listing]:
    return Listing.objects.for_user(user, "view").select_related("enterprise")


def public_listings() -> QuerySet[Listing]:
    """Current, published listings: what the public page and the credit platforms read."""
    return (
        Listing.objects.filter(state=ListingState.PUBLISHED)
        .select_related("enterprise")
        .order_by("-starts_on", "-id")
    )


def waiting_for(user) -> dict[str, int]:
    """What a user has to act on: proposals and notices to decide, repairs to review, and
    for enterprise staff their own listings open to objection or repair."""
    listings = Listing.objects.for_user(user, "change")
    return {
        "to_decide": listings.filter(
            state__in=[ListingState.PROPOSED, ListingState.NOTIFIED]
        ).count(),
        "repairs": Repair.objects.for_user(user, "change")
        .filter(state=RepairState.APPLIED)
        .count(),
        "own": Listing.objects.for_user(user, "respond")
        .filter(state__in=[ListingState.NOTIFIED, *CURRENT_LISTING])
        .count(),
    }

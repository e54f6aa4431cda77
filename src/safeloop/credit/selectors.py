"""Reads of the credit app, always through the reader's scope."""

from django.db.models import QuerySet

from safeloop.credit.choices import ListingState, RepairState
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


def todo_for(user, limit: int = 20) -> list:
    """Listings waiting for this user: proposals and notices for the deciding department
    (a notice once its objection period is over), repairs to review, and for enterprise
    staff a notice they may still object to."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo

    today = timezone.localdate()
    items = []
    deciding = Listing.objects.for_user(user, "change").select_related("enterprise")
    for listing in deciding.filter(state=ListingState.PROPOSED)[:limit]:
        items.append(
            Todo(
                kind=_("Serious-dishonesty proposal"),
                title=f"{listing.enterprise.name} · {listing.get_trigger_display()}",
                link=reverse("credit-listing", args=[listing.pk]),
                since=timezone.localtime(listing.proposed_at).date(),
            )
        )
    for listing in deciding.filter(state=ListingState.NOTIFIED, objection_until__lt=today)[:limit]:
        items.append(
            Todo(
                kind=_("Serious-dishonesty decision"),
                title=f"{listing.enterprise.name} · {listing.get_trigger_display()}",
                link=reverse("credit-listing", args=[listing.pk]),
                deadline=listing.objection_until,
            )
        )
    for repair in (
        Repair.objects.for_user(user, "change")
        .filter(state=RepairState.APPLIED)
        .select_related("listing__enterprise")[:limit]
    ):
        items.append(
            Todo(
                kind=_("Credit repair to review"),
                title=repair.listing.enterprise.name,
                link=reverse("credit-listing", args=[repair.listing_id]),
                since=repair.applied_on,
            )
        )
    for listing in (
        Listing.objects.for_user(user, "respond")
        .filter(state=ListingState.NOTIFIED, objection_until__gte=today)
        .select_related("enterprise")[:limit]
    ):
        items.append(
            Todo(
                kind=_("Notice of serious-dishonesty listing"),
                title=f"{listing.enterprise.name} · {listing.get_trigger_display()}",
                link=reverse("credit-listing", args=[listing.pk]),
                deadline=listing.objection_until,
            )
        )
    return items[:limit]

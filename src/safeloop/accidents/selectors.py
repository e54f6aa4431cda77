"""Reads other apps use: who had an accident, and the scoped list."""

from django.db.models import QuerySet

from safeloop.accidents.choices import AccidentState
from safeloop.accidents.models import Accident


def accidents_for(user) -> QuerySet[Accident]:
    return Accident.objects.for_user(user, "view").select_related("enterprise", "accident_type")


def enterprise_ids_with_accident(year: int) -> QuerySet[Accident, int]:
    """Ids of enterprises with a (not voided) accident in `year`, for targeting and key units."""
    return (
        Accident.objects.filter(occurred_at__year=year)
        .exclude(state=AccidentState.VOIDED)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )

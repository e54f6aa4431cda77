"""Reads other apps use: who had an accident, and the scoped list."""

from django.db.models import QuerySet
from django.utils import timezone

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


def accident_note(enterprise_id: int, year: int) -> str:
    """Which accident makes an enterprise a key unit: the latest standing one of `year`,
    as "date place (grade)"; empty when there is none."""
    accident = (
        Accident.objects.filter(enterprise_id=enterprise_id, occurred_at__year=year)
        .exclude(state=AccidentState.VOIDED)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if accident is None:
        return ""
    day = timezone.localdate(accident.occurred_at).isoformat()
    return f"{day} {accident.place}（{accident.get_grade_display()}）"

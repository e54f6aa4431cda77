"""Reads that are more than a filter: the key units list (重点监管), the warnings of a user.

`key_units` takes a user (it reads through `Enterprise.objects.for_user`) or an enterprise
queryset a caller has already scoped (a bulletin's county, a dashboard's filter)."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from safeloop.accidents.selectors import enterprise_ids_with_accident
from safeloop.alerts.choices import KeyReason
from safeloop.alerts.models import EarlyWarning
from safeloop.enterprises.choices import LicenceStatus
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards.choices import OPEN_STATES, Level
from safeloop.hazards.models import Hazard
from safeloop.risks.choices import Level as RiskLevel
from safeloop.risks.models import EnterpriseRiskProfile


def _reason_ids(today) -> dict[str, QuerySet]:
    """For each reason, the ids of the enterprises that have it."""
    open_hazards = Hazard.objects.filter(state__in=OPEN_STATES)
    renewed = Licence.objects.filter(
        enterprise=OuterRef("enterprise"),
        kind=OuterRef("kind"),
        status=LicenceStatus.VALID,
        valid_to__gte=today,
    )
    expired = Licence.objects.filter(
        Q(status=LicenceStatus.EXPIRED) | Q(status=LicenceStatus.VALID, valid_to__lt=today)
    ).exclude(Exists(renewed))
    return {
        KeyReason.RED_RISK: EnterpriseRiskProfile.objects.filter(level=RiskLevel.RED).values(
            "enterprise_id"
        ),
        KeyReason.MAJOR_OPEN: open_hazards.filter(level=Level.MAJOR).values("enterprise_id"),
        KeyReason.OVERDUE: open_hazards.filter(deadline__lt=today).values("enterprise_id"),
        KeyReason.ACCIDENT: enterprise_ids_with_accident(today.year),
        KeyReason.LICENCE_EXPIRED: expired.values("enterprise_id"),
    }


def key_units(user_or_scope, *, reasons=None, today=None) -> QuerySet:
    """Live enterprises with at least one reason for key supervision, each row annotated with
    a boolean per reason (`r_red_risk`, `r_major_open` …). `reasons` narrows to enterprises
    with any of those reasons.

    Each reason is `id IN (subquery)`: PostgreSQL reads each subquery once into a hash, so
    the list costs one pass per reason whatever the number of enterprises."""
    today = today or timezone.localdate()
    if isinstance(user_or_scope, QuerySet):
        base = user_or_scope
    else:
        base = Enterprise.objects.for_user(user_or_scope, "view")
    conditions = {code: Q(pk__in=ids) for code, ids in _reason_ids(today).items()}
    chosen = [r for r in (reasons or conditions) if r in conditions]
    annotated = base.annotate(
        **{
            f"r_{code}": ExpressionWrapper(condition, output_field=BooleanField())
            for code, condition in conditions.items()
        }
    )
    any_reason = Q(pk__in=[])
    for code in chosen:
        any_reason |= conditions[code]
    return (
        annotated.filter(any_reason)
        .select_related("region", "park", "grid")
        .order_by("region_code", "name", "pk")
    )


def reasons_of(enterprise) -> list[tuple[str, str]]:
    """(code, label) of the reasons an annotated enterprise row carries."""
    return [
        (code, label)
        for code, label in KeyReason.choices
        if getattr(enterprise, f"r_{code}", False)
    ]


REASON_LINKS = {
    KeyReason.RED_RISK: "/risks/enterprises/{pk}/",
    KeyReason.MAJOR_OPEN: "/hazards/?enterprise={pk}&level=major",
    KeyReason.OVERDUE: "/hazards/?enterprise={pk}&overdue=true",
    KeyReason.ACCIDENT: "/enterprises/{pk}/",
    KeyReason.LICENCE_EXPIRED: "/enterprises/{pk}/?tab=permits",
}


def reason_link(code: str, enterprise_id: int) -> str:
    return REASON_LINKS[code].format(pk=enterprise_id)


def warnings_for(user) -> QuerySet:
    return EarlyWarning.objects.for_user(user, "view").select_related("rule", "enterprise")

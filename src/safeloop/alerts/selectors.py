"""Reads that are more than a filter: the key units list (重点监管), the warnings of a user.

`key_units` takes a user (it reads through `Enterprise.objects.for_user`) or an enterprise
queryset a caller has already scoped (a bulletin's county, a dashboard's filter)."""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from safeloop.alerts.choices import KeyReason
from safeloop.alerts.models import EarlyWarning
from safeloop.enterprises.choices import LicenceStatus
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.hazards.choices import OPEN_STATES, Level
from safeloop.hazards.models import Hazard
from safeloop.risks.choices import Level as RiskLevel
from safeloop.risks.models import EnterpriseRiskProfile


def accident_enterprise_ids(year: int) -> QuerySet | None:
    """Enterprises with an accident in `year`, from the accidents app; None while that app is
    not installed (the reason is then never given)."""
    if not apps.is_installed("safeloop.accidents"):
        return None
    from safeloop.accidents.selectors import enterprise_ids_with_accident

    return enterprise_ids_with_accident(year)


def accident_reason_available() -> bool:
    return apps.is_installed("safeloop.accidents")


def _reason_conditions(today) -> dict[str, object]:
    """Each reason as an expression on the enterprise row (OuterRef("pk"))."""
    enterprise = OuterRef("pk")
    open_hazards = Hazard.objects.filter(enterprise=enterprise, state__in=OPEN_STATES)
    renewed = Licence.objects.filter(
        enterprise=OuterRef("enterprise"),
        kind=OuterRef("kind"),
        status=LicenceStatus.VALID,
        valid_to__gte=today,
    )
    expired = Licence.objects.filter(
        Q(status=LicenceStatus.EXPIRED) | Q(status=LicenceStatus.VALID, valid_to__lt=today),
        enterprise=enterprise,
    ).exclude(Exists(renewed))
    accidents = accident_enterprise_ids(today.year)
    return {
        KeyReason.RED_RISK: Exists(
            EnterpriseRiskProfile.objects.filter(enterprise=enterprise, level=RiskLevel.RED)
        ),
        KeyReason.MAJOR_OPEN: Exists(open_hazards.filter(level=Level.MAJOR)),
        KeyReason.OVERDUE: Exists(open_hazards.filter(deadline__lt=today)),
        KeyReason.ACCIDENT: (Q(pk__in=accidents) if accidents is not None else Value(False)),
        KeyReason.LICENCE_EXPIRED: Exists(expired),
    }


def key_units(user_or_scope, *, reasons=None, today=None) -> QuerySet:
    """Live enterprises with at least one reason for key supervision, each row annotated with
    a boolean per reason (`r_red_risk`, `r_major_open` …). `reasons` narrows to enterprises
    with any of those reasons."""
    today = today or timezone.localdate()
    if isinstance(user_or_scope, QuerySet):
        base = user_or_scope
    else:
        base = Enterprise.objects.for_user(user_or_scope, "view")
    conditions = _reason_conditions(today)
    chosen = [r for r in (reasons or conditions) if r in conditions]
    annotated = base.annotate(**{f"r_{code}": cond for code, cond in conditions.items()})
    any_reason = Q()
    for code in chosen:
        any_reason |= Q(**{f"r_{code}": True})
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

"""One FilterSet for the ledger: the list page, the export and the API read the same filters."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import SearchableSelect
from safeloop.enterprises.choices import RISK_FEATURES, Scale, Sector, Status
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager, SpecialOperator
from safeloop.enterprises.search import search_q
from safeloop.orgs.models import GridCell, Park, Region

# The four colours of the risk profile (risks.choices.Level; named here, as the ledger sits
# below the risks app and does not import it).
RISK_LEVELS = [
    ("red", _("Major risk (red)")),
    ("orange", _("Considerable risk (orange)")),
    ("yellow", _("General risk (yellow)")),
    ("blue", _("Low risk (blue)")),
]


def _regions(request):
    user = getattr(request, "user", None)
    return Region.objects.for_user(user).filter(level="county").order_by("code")


def _parks(request):
    return Park.objects.for_user(getattr(request, "user", None)).order_by("name")


def _grids(request):
    return GridCell.objects.for_user(getattr(request, "user", None)).order_by("code")


def expiring_q(days: int, today=None) -> Q:
    """Something ends between today and `days` from now: a licence, a special-operation
    certificate, a safety manager's certificate, the standardisation grade or the
    liability insurance."""
    today = today or timezone.localdate()
    window = (today, today + timedelta(days=days))
    # IN (subquery) rather than EXISTS: PostgreSQL hashes each id list once. (A UNION of
    # the five made it choose a slower plan at 100,000 enterprises.)
    licence = Licence._base_manager.filter(valid_to__range=window).values("enterprise_id")
    operator = SpecialOperator._base_manager.filter(valid_to__range=window).values("enterprise_id")
    manager = SafetyManager.objects.filter(certificate_valid_to__range=window).values(
        "enterprise_id"
    )
    return (
        Q(pk__in=licence)
        | Q(pk__in=operator)
        | Q(pk__in=manager)
        | Q(standard_expiry__range=window)
        | Q(liability_expiry__range=window)
    )


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", widget=forms.TextInput(attrs={"type": "search"})
    )
    region = django_filters.ModelChoiceFilter(
        label=_("county"), queryset=_regions, empty_label=_("All")
    )
    park = django_filters.ModelChoiceFilter(label=_("park"), queryset=_parks, empty_label=_("All"))
    grid = django_filters.ModelChoiceFilter(
        label=_("grid cell"), queryset=_grids, empty_label=_("All"), widget=SearchableSelect
    )
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    scale = django_filters.ChoiceFilter(label=_("scale"), choices=Scale.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    risk = django_filters.ChoiceFilter(
        label=_("risk feature"), choices=list(RISK_FEATURES.items()), method="filter_risk"
    )
    # The risk profile's level and colours (the dashboards link here); "none": not graded.
    risk_level = django_filters.ChoiceFilter(
        label=_("risk level"),
        choices=RISK_LEVELS + [("none", _("Not graded"))],
        method="filter_risk_level",
    )
    risk_colour = django_filters.ChoiceFilter(
        label=_("has risk points of colour"), choices=RISK_LEVELS, method="filter_risk_colour"
    )
    expiring_within = django_filters.NumberFilter(
        label=_("expiring within (days)"),
        method="filter_expiring",
        min_value=1,
        max_value=3650,
    )
    sort = django_filters.OrderingFilter(
        label=_("sort"),
        fields=[
            ("name", "name"),
            ("uscc", "uscc"),
            ("region_code", "region"),
            ("sector", "sector"),
            ("employees", "employees"),
            ("status", "status"),
        ],
        field_labels={
            "name": _("name"),
            "uscc": _("unified social credit code"),
            "region_code": _("county"),
            "sector": _("sector"),
            "employees": _("employees"),
            "status": _("status"),
        },
    )

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "region",
            "park",
            "grid",
            "sector",
            "scale",
            "status",
            "risk",
            "risk_level",
            "risk_colour",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def filter_risk(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_risk_level(self, queryset, name, value):
        if value == "none":
            return queryset.filter(Q(risk_profile__isnull=True) | Q(risk_profile__level=""))
        return queryset.filter(risk_profile__level=value)

    def filter_risk_colour(self, queryset, name, value):
        return queryset.filter(**{f"risk_profile__{value}__gt": 0})

    def filter_expiring(self, queryset, name, value):
        return queryset.filter(expiring_q(int(value)))

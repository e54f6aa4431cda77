"""One FilterSet per list: the screens (overview, export, map) and the API read the same
filters, so the same query string selects the same rows everywhere. Enterprises and risk
points offered as filter values are those the user can see: another id is not a valid choice
(400 on the API), whether or not it exists."""

import django_filters

from safeloop.core.widgets import SearchableSelect
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Park
from safeloop.risks.models import (
    ControlMeasure,
    EnterpriseRiskProfile,
    HazardUnit,
    RiskAssessment,
    RiskPoint,
)


def _enterprises(request):
    return Enterprise.objects.for_user(getattr(request, "user", None), "view")


def _points(request):
    return RiskPoint.objects.for_user(getattr(request, "user", None), "view").filter(
        is_deleted=False
    )


def _parks(request):
    return Park.objects.for_user(getattr(request, "user", None), "view")


class _ByEnterprise(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, widget=SearchableSelect)


class _ByPoint(_ByEnterprise):
    risk_point = django_filters.ModelChoiceFilter(queryset=_points)


class RiskPointFilter(_ByEnterprise):
    """The API's `risk-points/` and the Excel export (`?enterprise=`)."""

    class Meta:
        model = RiskPoint
        fields = ["enterprise", "level", "kind"]


class RiskAssessmentFilter(_ByPoint):
    class Meta:
        model = RiskAssessment
        fields = ["risk_point", "enterprise", "level", "method"]


class ControlMeasureFilter(_ByPoint):
    class Meta:
        model = ControlMeasure
        fields = ["risk_point", "enterprise", "kind", "control_level"]


class HazardUnitFilter(_ByEnterprise):
    class Meta:
        model = HazardUnit
        fields = ["enterprise", "identified", "grade", "kind"]


class RiskProfileFilter(django_filters.FilterSet):
    """The API's `risk-profiles/` and the overview's enterprises by risk level."""

    enterprise__park = django_filters.ModelChoiceFilter(queryset=_parks)

    class Meta:
        model = EnterpriseRiskProfile
        fields = ["level", "major_hazard", "enterprise__region_code", "enterprise__park"]


class MapFilter(django_filters.FilterSet):
    """The four-colour map's enterprises: by sector, and by region code (a prefix: a city
    code's first four digits reach its counties)."""

    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    region = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith")

    class Meta:
        model = Enterprise
        fields = ["sector", "region"]

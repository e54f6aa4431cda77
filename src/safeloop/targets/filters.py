"""The lists of the targets app (one FilterSet per list, read by the API)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.targets.choices import AssessmentState
from safeloop.targets.models import Assessment, AssessmentResult, Indicator, ResponsibilityLetter


class UnitFilter(django_filters.FilterSet):
    """A county (its region code) and whether the row is a park's."""

    year = django_filters.NumberFilter(label=_("year"))
    region_code = django_filters.CharFilter(label=_("region code"))
    park = django_filters.NumberFilter(field_name="park_id", label=_("park"))
    parks = django_filters.BooleanFilter(
        field_name="park", lookup_expr="isnull", exclude=True, label=_("parks only")
    )


class IndicatorFilter(UnitFilter):
    kind = django_filters.CharFilter(field_name="kind__code", label=_("indicator"))

    class Meta:
        model = Indicator
        fields = ["year", "kind", "region_code", "park", "parks"]


class LetterFilter(UnitFilter):
    voided = django_filters.BooleanFilter(
        field_name="voided_at", lookup_expr="isnull", exclude=True, label=_("voided")
    )

    class Meta:
        model = ResponsibilityLetter
        fields = ["year", "region_code", "park", "parks", "voided"]


class AssessmentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("state"))

    class Meta:
        model = Assessment
        fields = ["year", "state"]


class ResultFilter(UnitFilter):
    year = django_filters.NumberFilter(field_name="assessment__year", label=_("year"))
    assessment = django_filters.NumberFilter(
        field_name="assessment_id", label=pgettext_lazy("annual assessment", "assessment")
    )

    class Meta:
        model = AssessmentResult
        fields = ["assessment", "year", "region_code", "park", "parks"]

import django_filters
from django.utils.translation import gettext_lazy as _

from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import Measure, ParkAssessment


class AssessmentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("state"))
    park = django_filters.NumberFilter(field_name="park_id", label=_("park"))

    class Meta:
        model = ParkAssessment
        fields = ["year", "state", "park"]


class MeasureFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment_id", label=_("assessment"))
    state = django_filters.ChoiceFilter(choices=MeasureState.choices, label=_("state"))

    class Meta:
        model = Measure
        fields = ["assessment", "state"]

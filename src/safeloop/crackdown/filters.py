import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.crackdown.choices import CaseState, Source
from safeloop.crackdown.models import Case


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    state = django_filters.ChoiceFilter(
        choices=CaseState.choices, label=_("status"), empty_label=_("all")
    )
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label=_("case source"), empty_label=_("all")
    )
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("crackdown campaign"))

    class Meta:
        model = Case
        fields = ["q", "state", "source", "campaign"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(subject_name__icontains=value)
            | Q(location__icontains=value)
            | Q(subject_address__icontains=value)
        )

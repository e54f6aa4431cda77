import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.hazards.choices import OPEN_STATES, Category, Level, Source, State
from safeloop.hazards.models import Hazard


class HazardFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label=_("state"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("level"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("source"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    region = django_filters.CharFilter(field_name="enterprise__region_code", label=_("region"))
    park = django_filters.NumberFilter(field_name="enterprise__park_id", label=_("park"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))
    deadline_from = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("deadline from")
    )
    deadline_to = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("deadline to")
    )

    class Meta:
        model = Hazard
        fields = [
            "state",
            "level",
            "source",
            "category",
            "overdue",
            "region",
            "park",
            "enterprise",
            "deadline_from",
            "deadline_to",
        ]

    def filter_overdue(self, queryset, name, value):
        late = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

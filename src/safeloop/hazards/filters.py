import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.enterprises.choices import Sector
from safeloop.hazards.choices import OPEN_STATES, Category, Level, Source, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Park, Region, region_prefix


def _parks(request):
    return Park.objects.for_user(request.user).order_by("name")


def _regions(request):
    return Region.objects.for_user(getattr(request, "user", None)).order_by("code")


class HazardFilter(django_filters.FilterSet):
    """The hidden-danger list's one filter set: the list screen and the API list both use
    it (the API through its filter backend, which passes the request). The regions and
    parks offered are those of the user's scope; one outside it is no choice (400 in the
    API, a field error on the screen). A city matches every county below it."""

    state = django_filters.MultipleChoiceFilter(
        choices=State.choices,
        label=_("state"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # no join: nothing to dedupe
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("hazard level"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("hazard source"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    sector = django_filters.ChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("sector")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    # A region in the user's scope, by its code; read only when a code is given (one query).
    region = django_filters.ModelChoiceFilter(
        queryset=_regions, to_field_name="code", method="filter_region", label=_("region")
    )
    park = django_filters.ModelChoiceFilter(
        field_name="enterprise__park",
        queryset=_parks,
        label=_("park"),
        null_label=_("not in a park"),
    )
    # Hidden on the screen: set by links from other screens (key units, warnings).
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    deadline_from = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("deadline from"), widget=DATE
    )
    deadline_to = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("deadline to"), widget=DATE
    )
    # Found and closed (accepted) on local dates: the dashboards' monthly trend links here.
    found_from = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__gte", label=_("found from"), widget=DATE
    )
    found_to = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__lte", label=_("found to"), widget=DATE
    )
    closed_from = django_filters.DateFilter(
        field_name="accepted_at", lookup_expr="date__gte", label=_("closed from"), widget=DATE
    )
    closed_to = django_filters.DateFilter(
        field_name="accepted_at", lookup_expr="date__lte", label=_("closed to"), widget=DATE
    )

    class Meta:
        model = Hazard
        fields = [
            "state",
            "level",
            "source",
            "category",
            "sector",
            "overdue",
            "region",
            "park",
            "enterprise",
            "deadline_from",
            "deadline_to",
            "found_from",
            "found_to",
            "closed_from",
            "closed_to",
        ]

    def filter_overdue(self, queryset, name, value):
        late = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_region(self, queryset, name, value):
        prefix = region_prefix(value.code)
        if len(prefix) == 6:  # a county-level code: equality uses the plain indexes
            return queryset.filter(region_code=prefix)
        return queryset.filter(region_code__startswith=prefix)

"""The filters of the alerts lists, each one shared by its screen and its API endpoint."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.alerts.choices import KeyReason, RuleCode, SubjectKind, WarningState
from safeloop.alerts.models import EarlyWarning
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Park, Region, region_prefix


def _parks(request):
    return Park.objects.for_user(request.user).order_by("name")


class RegionChoiceMixin:
    """Regions of the user's scope to choose from; a city matches every county below it."""

    def setup_regions(self, request):
        regions = Region.objects.for_user(request.user).order_by("code")
        self.filters["region"].extra["choices"] = [(r.code, r.name) for r in regions]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=region_prefix(value))


class WarningFilter(RegionChoiceMixin, django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=WarningState.choices,
        label=_("state"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    rule = django_filters.ChoiceFilter(
        field_name="rule__code", choices=RuleCode.choices, label=_("rule")
    )
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices, label=_("subject"))
    region = django_filters.ChoiceFilter(method="filter_region", label=_("region"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    park = django_filters.NumberFilter(
        method="filter_park", label=_("park"), widget=forms.HiddenInput
    )

    class Meta:
        model = EarlyWarning
        fields = ["state", "rule", "subject_kind", "region", "enterprise", "park"]

    def filter_park(self, queryset, name, value):
        """A park's own warnings (an overdue cluster) and those of its enterprises."""
        return queryset.filter(Q(park_id=value) | Q(enterprise__park_id=value))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.setup_regions(request)


class KeyUnitFilter(RegionChoiceMixin, django_filters.FilterSet):
    """Filters of the key units list; `reason` is applied by the selector itself."""

    reason = django_filters.MultipleChoiceFilter(
        choices=KeyReason.choices,
        label=_("reason"),
        widget=forms.CheckboxSelectMultiple,
        method="keep",
    )
    region = django_filters.ChoiceFilter(method="filter_region", label=_("region"))
    park = django_filters.ModelChoiceFilter(queryset=_parks, label=_("park"))

    class Meta:
        model = Enterprise
        fields = ["reason", "region", "park"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.setup_regions(request)

    def keep(self, queryset, name, value):
        return queryset


def filtered_key_units(request):
    """The key units list through its filter, for the screen, its export and the API: the
    filterset and the rows (None when the query is invalid: 400)."""
    from safeloop.alerts.selectors import listed_key_units

    # The filter's own queryset is never read: listed_key_units gives the scoped one.
    filterset = KeyUnitFilter(request.GET, queryset=Enterprise.objects.none(), request=request)
    if not filterset.is_valid():
        return filterset, None
    reasons = filterset.form.cleaned_data.get("reason") or None
    base = listed_key_units(request.user, reasons=reasons)
    filterset.queryset = base
    return filterset, filterset.filter_queryset(base)

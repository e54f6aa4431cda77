import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.orgs.models import region_prefix
from safeloop.risks.choices import Frequency
from safeloop.selfchecks.choices import TaskState
from safeloop.selfchecks.models import SelfCheckTask


class TaskFilter(django_filters.FilterSet):
    """One filter set for the list screen, its export and the API. The screen offers the
    regions of the user's scope; any county, city or province code filters (one outside the
    scope finds nothing, as the list is scoped)."""

    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("state"))
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label=_("frequency"))
    region = django_filters.CharFilter(
        method="filter_region", label=_("region"), widget=forms.Select
    )
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    park = django_filters.NumberFilter(
        field_name="enterprise__park_id", label=_("park"), widget=forms.HiddenInput
    )
    due_from = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("due from"), widget=DATE
    )
    due_to = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("due to"), widget=DATE
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("assigned to me"))

    class Meta:
        model = SelfCheckTask
        fields = [
            "state",
            "frequency",
            "region",
            "enterprise",
            "park",
            "due_from",
            "due_to",
            "mine",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)

        def regions() -> list[tuple[str, str]]:  # read only when a screen renders the form
            from safeloop.orgs.models import Region

            scoped = Region.objects.for_user(user).order_by("code")
            return [("", _("All")), *((r.code, r.name) for r in scoped)]

        self.filters["region"].extra["widget"] = forms.Select(choices=regions)

    def filter_region(self, queryset, name, value):
        if not value.isdigit() or len(value) != 6:
            return queryset.none()
        return queryset.filter(region_code__startswith=region_prefix(value))

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(assignee=user) if value else queryset.exclude(assignee=user)

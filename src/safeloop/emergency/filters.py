"""The one filter per list (resources, incidents), for the screen, its export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.choices import Grade
from safeloop.emergency.choices import (
    Availability,
    DrillState,
    IncidentState,
    Level,
    PlanKind,
    PlanState,
    ResourceKind,
    TeamKind,
)
from safeloop.emergency.models import Drill, Incident, Plan, Resource


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("kind"))
    team_kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("team kind"))
    availability = django_filters.ChoiceFilter(
        choices=Availability.choices, label=_("availability")
    )
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "team_kind", "availability", "enterprise"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(specialities__icontains=value) | Q(leader=value)
        )


class IncidentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=IncidentState.choices, label=_("state"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("command level"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("grade"))

    class Meta:
        model = Incident
        fields = ["state", "level", "grade"]


class PlanFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=_("state"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("kind"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )

    class Meta:
        model = Plan
        fields = ["state", "kind", "enterprise"]


class DrillFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DrillState.choices, label=_("state"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    plan = django_filters.NumberFilter(field_name="plan_id", widget=forms.HiddenInput)

    class Meta:
        model = Drill
        fields = ["state", "enterprise", "plan"]

"""One FilterSet per list of the inspections app: the list screen, its Excel export and the
API read the same filters, so the same query gives the same rows everywhere."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.inspections.choices import (
    Area,
    ChecklistKind,
    Outcome,
    PlanKind,
    PlanState,
    VisitState,
)
from safeloop.inspections.models import Checklist, Criterion, Plan, Visit, VisitResult


class PlanFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=_("state"))
    region_code = django_filters.CharFilter(label=_("region code"))

    class Meta:
        model = Plan
        fields = ["kind", "state", "region_code"]


class VisitFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=VisitState.choices, label=_("state"))
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("plan"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))
    inspector = django_filters.NumberFilter(field_name="inspector_id", label=_("inspector"))
    # a checkbox: "?mine=1" (the screens' links) and "?mine=true" both mean yes
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=_("assigned to me"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Visit
        fields = ["state", "plan", "enterprise", "inspector", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(inspector=user)


class ChecklistFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ChecklistKind.choices, label=_("kind"))
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Checklist
        fields = ["kind", "active"]


class CriterionFilter(django_filters.FilterSet):
    standard__code = django_filters.CharFilter(label=_("standard"))
    area = django_filters.ChoiceFilter(choices=Area.choices, label=_("sector or special area"))
    verified = django_filters.BooleanFilter(label=_("verified"))

    class Meta:
        model = Criterion
        fields = ["standard__code", "area", "verified"]


class ResultFilter(django_filters.FilterSet):
    visit = django_filters.NumberFilter(field_name="visit_id", label=_("visit"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("outcome"))
    is_major = django_filters.BooleanFilter(label=_("major if failed"))

    class Meta:
        model = VisitResult
        fields = ["visit", "outcome", "is_major"]


def filtered(filter_class, request, queryset):
    """The filter set of `request.GET` over `queryset` and its rows (none when a value is
    not acceptable, as the API answers)."""
    filterset = filter_class(request.GET, queryset=queryset, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())

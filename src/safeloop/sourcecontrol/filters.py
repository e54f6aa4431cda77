"""One FilterSet per list, used by the screen and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.sourcecontrol.choices import CancellationState, EliminationState, StopState
from safeloop.sourcecontrol.models import (
    EliminationItem,
    InventoryItem,
    LicenceCancellation,
    StopOrder,
)


class _EnterpriseSearch(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(self.search(value))

    def search(self, value) -> Q:
        return Q(enterprise__name__icontains=value)


class EliminationFilter(_EnterpriseSearch):
    state = django_filters.ChoiceFilter(choices=EliminationState.choices, label=_("state"))
    year = django_filters.NumberFilter(label=_("plan year"))

    class Meta:
        model = EliminationItem
        fields = ["q", "state", "year", "enterprise"]

    def search(self, value) -> Q:
        return Q(enterprise__name__icontains=value) | Q(capacity__icontains=value)


class CancellationFilter(_EnterpriseSearch):
    state = django_filters.ChoiceFilter(choices=CancellationState.choices, label=_("state"))

    class Meta:
        model = LicenceCancellation
        fields = ["q", "state", "enterprise"]

    def search(self, value) -> Q:
        return Q(enterprise__name__icontains=value) | Q(licence__number__icontains=value)


class StopFilter(_EnterpriseSearch):
    state = django_filters.ChoiceFilter(choices=StopState.choices, label=_("state"))

    class Meta:
        model = StopOrder
        fields = ["q", "state", "enterprise"]

    def search(self, value) -> Q:
        return Q(enterprise__name__icontains=value) | Q(number__icontains=value)


class InventoryFilter(_EnterpriseSearch):
    class Meta:
        model = InventoryItem
        fields = ["q", "enterprise"]

    def search(self, value) -> Q:
        return Q(name__icontains=value) | Q(model_spec__icontains=value)

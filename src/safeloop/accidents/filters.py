"""The one filter of the accident list, for the screen, its export and the API alike.

`voided` means the same everywhere: `true` only voided records, `false` only those that
stand, absent or empty both. The screen (not the API) starts from `voided=false` when the
query does not name it, so a regulator sees the records that count unless asking otherwise."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.choices import AccidentState, Grade
from safeloop.accidents.models import Accident


class AccidentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="occurred_at",
        lookup_expr="year",
        label=_("year"),
        min_value=1949,
        max_value=2100,
    )
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("grade"))
    voided = django_filters.BooleanFilter(
        method="filter_voided",
        label=_("voided"),
        widget=forms.Select(
            choices=[("", _("all")), ("false", _("not voided")), ("true", _("voided only"))]
        ),
    )
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )

    class Meta:
        model = Accident
        fields = ["year", "grade", "voided", "enterprise"]

    def filter_voided(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(state=AccidentState.VOIDED)
        return queryset.exclude(state=AccidentState.VOIDED)


def screen_query(query):
    """The screen's query: `voided=false` unless the user chose otherwise."""
    data = query.copy()
    if "voided" not in data:
        data["voided"] = "false"
    return data

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.investment.choices import UseCategory
from safeloop.investment.models import ExpenseUse, ExpenseYear


class YearFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    sector = django_filters.CharFilter(field_name="sector", label=_("sector"))
    region = django_filters.CharFilter(
        field_name="enterprise__region_code", lookup_expr="startswith", label=_("region code")
    )

    class Meta:
        model = ExpenseYear
        fields = ["year", "enterprise", "sector", "region"]


class UseFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    year = django_filters.NumberFilter(field_name="expense_year__year", label=_("year"))
    category = django_filters.ChoiceFilter(choices=UseCategory.choices, label=_("use category"))
    voided = django_filters.BooleanFilter(
        field_name="voided_at", lookup_expr="isnull", exclude=True, label=_("voided")
    )

    class Meta:
        model = ExpenseUse
        fields = ["enterprise", "year", "category", "voided"]

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.training.choices import Kind, Post
from safeloop.training.models import AnnualTraining, Campaign, TrainingRecord


class RecordFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    post = django_filters.ChoiceFilter(choices=Post.choices, label=_("post"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("kind"))
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label=_("enterprise"), widget=forms.HiddenInput
    )
    voided = django_filters.BooleanFilter(
        field_name="voided_at", lookup_expr="isnull", exclude=True, label=_("voided")
    )

    class Meta:
        model = TrainingRecord
        fields = ["q", "post", "kind", "enterprise", "voided"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person_name__icontains=value)
            | Q(course__icontains=value)
            | Q(enterprise__name__icontains=value)
        )


class AnnualFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))

    class Meta:
        model = AnnualTraining
        fields = ["year", "enterprise"]


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = Campaign
        fields = ["q"]

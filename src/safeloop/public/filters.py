"""The one filter of the regulators' article list, used by the screen and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from safeloop.public.choices import ArticleKind, ArticleState
from safeloop.public.models import Article


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("search"))
    kind = django_filters.ChoiceFilter(choices=ArticleKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=ArticleState.choices, label=_("status"))

    class Meta:
        model = Article
        fields = ["q", "kind", "state"]

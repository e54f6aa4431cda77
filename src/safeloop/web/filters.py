import django_filters
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", label=_("actor"), lookup_expr="icontains"
    )
    action = django_filters.CharFilter(label=_("action"), lookup_expr="icontains")
    object_repr = django_filters.CharFilter(label=_("object"), lookup_expr="icontains")
    request_id = django_filters.CharFilter(label=_("request id"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "object_repr", "request_id", "since", "until"]

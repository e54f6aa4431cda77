"""The credit API: records and listings in the caller's scope (read only; moves are made on
the screens and through the services), and the feed credit platforms read, with the field
names of the national credit-sharing exchange (docs/credit.md)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.settings import api_settings

from safeloop.credit import selectors
from safeloop.credit.models import CREDIT_VIEWERS, CreditRecord, Listing


def _viewer(user) -> None:
    if not user.roles & CREDIT_VIEWERS:
        raise PermissionDenied()


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "enterprise",
            "subject",
            "name",
            "score",
            "grade",
            "live_events",
            "computed_at",
        ]


class ListingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Listing
        fields = [
            "id",
            "enterprise",
            "trigger",
            "facts",
            "state",
            "notified_on",
            "objection_until",
            "decision_number",
            "decided_on",
            "published_on",
            "starts_on",
            "ends_on",
            "removed_on",
            "version",
        ]


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordSerializer
    queryset = CreditRecord.objects.none()

    def get_queryset(self):
        _viewer(self.request.user)
        return selectors.records_for(self.request.user).order_by("id")


class ListingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ListingSerializer
    queryset = Listing.objects.none()

    def get_queryset(self):
        _viewer(self.request.user)
        return selectors.listings_for(self.request.user).order_by("id")


class ExchangeSerializer(serializers.Serializer):
    """One current listing in the exchange's field names; no personal data."""

    def to_representation(self, listing):
        firm = listing.enterprise
        return {
            "XDR_MC": firm.name,  # 失信主体名称
            "XDR_SHXYM": firm.uscc,  # 统一社会信用代码
            "LRYY": listing.get_trigger_display(),  # 列入原因
            "SXXW": listing.facts,  # 失信行为
            "LRYJ": "安全生产严重失信主体名单管理办法（应急管理部令第11号）",  # 列入依据
            "RDWH": listing.decision_number,  # 认定决定文号
            "RDRQ": listing.decided_on.isoformat() if listing.decided_on else "",  # 认定日期
            "LRRQ": listing.starts_on.isoformat() if listing.starts_on else "",  # 列入日期
            "YXQZ": listing.ends_on.isoformat() if listing.ends_on else "",  # 有效期至
            "GSRQ": listing.published_on.isoformat() if listing.published_on else "",  # 公示日期
            "DQZT": "在列",  # 当前状态
        }


@extend_schema(responses=ExchangeSerializer(many=True))
@api_view(["GET"])
def exchange(request):
    """Current published listings for credit platforms (the caller needs a regulator's token)."""
    _viewer(request.user)
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(selectors.public_listings(), request)
    return paginator.get_paginated_response(ExchangeSerializer(page, many=True).data)

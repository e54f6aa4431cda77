"""Warnings and key units over the API: the scoped list and detail of warnings with one
endpoint per move, and the key units list with each enterprise's reasons and links."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.settings import api_settings

from safeloop.alerts import selectors, services
from safeloop.alerts.choices import KeyReason
from safeloop.alerts.filters import WarningFilter, filtered_key_units
from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.services import NOTE_MAX
from safeloop.core.views import get_for_user_or_404


class WarningSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "rule",
            "subject_kind",
            "subject_id",
            "subject_label",
            "period",
            "region_code",
            "enterprise",
            "park",
            "grid",
            "state",
            "reason",
            "details",
            "link",
            "raised_at",
            "acknowledged_at",
            "closed_at",
            "note",
            "version",
            "allowed_moves",
        ]

    def get_allowed_moves(self, warning) -> list[str]:
        return services.allowed_moves(warning, self.context["request"].user)


class MoveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class BulkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1)


class BulkAcknowledgeSerializer(serializers.Serializer):
    items = BulkItemSerializer(many=True, allow_empty=False, max_length=services.BULK_MAX)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = EarlyWarning.objects.all()
    serializer_class = WarningSerializer

    def get_queryset(self):
        return selectors.warnings_for(self.request.user).order_by("-raised_at", "-id")

    def filter_queryset(self, queryset):
        filterset = WarningFilter(
            self.request.query_params, queryset=queryset, request=self.request
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.qs

    @extend_schema(
        request=BulkAcknowledgeSerializer,
        responses={200: {"type": "object", "properties": {"acknowledged": {"type": "integer"}}}},
        operation_id="warnings_acknowledge_many",
    )
    @action(detail=False, methods=["post"], url_path="acknowledge-many")
    def acknowledge_many(self, request):
        """Acknowledge several warnings with one note, all or none (each item: id, version)."""
        data = BulkAcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = [(item["id"], item["version"]) for item in data.validated_data["items"]]
        count = services.acknowledge_many(
            items=items, actor=request.user, note=data.validated_data["note"]
        )
        return Response({"acknowledged": count})


def _make_move(move: str):
    @extend_schema(
        request=MoveSerializer, responses=WarningSerializer, operation_id=f"warnings_{move}"
    )
    def perform(self, request, pk=None):
        warning = get_for_user_or_404(selectors.warnings_for(request.user), request.user, pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.MOVES[move](warning=warning, actor=request.user, **data.validated_data)
        warning = EarlyWarning.objects.get(pk=warning.pk)
        return Response(WarningSerializer(warning, context={"request": request}).data)

    perform.__name__ = f"move_{move}"
    return action(detail=True, methods=["post"], url_path=move)(perform)


for _move in services.MOVES:
    setattr(WarningViewSet, f"move_{_move}", _make_move(_move))


class KeyUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField()
    region_code = serializers.CharField()
    park = serializers.IntegerField(source="park_id", allow_null=True)
    grid = serializers.IntegerField(source="grid_id", allow_null=True)
    reasons = serializers.SerializerMethodField()
    listed_at = serializers.DateTimeField(source="key_unit.listed_at")
    link = serializers.SerializerMethodField()

    def get_reasons(self, enterprise) -> list[dict]:
        return [
            {"code": code, "label": str(label), "link": selectors.reason_link(code, enterprise.pk)}
            for code, label in selectors.reasons_of(enterprise)
        ]

    def get_link(self, enterprise) -> str:
        return f"/enterprises/{enterprise.pk}/"


@extend_schema(
    parameters=[
        OpenApiParameter("reason", str, many=True, enum=KeyReason.values),
        OpenApiParameter("region", str, description="A region code in scope (city or county)."),
        OpenApiParameter("park", int),
    ],
    responses=KeyUnitSerializer(many=True),
)
@api_view(["GET"])
def key_units(request):
    """Enterprises needing key supervision (重点监管) in the caller's scope, with reasons."""
    filterset, units = filtered_key_units(request)
    if units is None:
        raise exceptions.ValidationError(filterset.errors)
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(units, request)
    return paginator.get_paginated_response(KeyUnitSerializer(page, many=True).data)

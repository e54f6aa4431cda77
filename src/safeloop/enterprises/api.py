"""The ledger API: /api/v1/enterprises/ with the list filters, and nested personnel and
licences. Writes go through the services; a stale `version` answers 409."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises import selectors, services
from safeloop.enterprises.filters import EnterpriseFilter
from safeloop.enterprises.models import (
    Enterprise,
    Licence,
    SafetyManager,
    SpecialOperator,
    normalise_uscc,
)


def part_version():
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; required on updates (409 when it is stale)."),
    )


class LicenceSerializer(serializers.ModelSerializer):
    version = part_version()

    class Meta:
        model = Licence
        fields = [
            "id",
            "kind",
            "number",
            "authority",
            "valid_from",
            "valid_to",
            "status",
            "version",
        ]


class SpecialOperatorSerializer(serializers.ModelSerializer):
    """ID numbers and certificate numbers (national format: "T" + the ID number) are masked
    unless the reader may see them (selectors.can_see_id_numbers)."""

    version = part_version()

    class Meta:
        model = SpecialOperator
        fields = [
            "id",
            "name",
            "id_number",
            "certificate_type",
            "certificate_number",
            "valid_to",
            "version",
        ]
        extra_kwargs = {"id_number": {"write_only": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("reveal_ids"):
            data["id_number"] = instance.masked_id_number
            data["certificate_number"] = instance.masked_certificate_number
        return data


class SafetyManagerSerializer(serializers.ModelSerializer):
    """One safety manager; the enterprise's serializer masks the certificate number."""

    class Meta:
        model = SafetyManager
        fields = ["id", *SafetyManager.VALUE_FIELDS]


class EnterpriseSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(
        required=False,
        help_text=_("The version you read; required on updates (409 when it is stale)."),
    )
    licences = LicenceSerializer(many=True, read_only=True)
    safety_managers = SafetyManagerSerializer(
        many=True,
        required=False,
        max_length=SafetyManager.MAX_PER_ENTERPRISE,
        help_text=_(
            "The whole list, in order; on an update it replaces the current one "
            "(omit it to leave the list as it is)."
        ),
    )
    personnel = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "former_names",
            "uscc",
            "legal_representative",
            "legal_representative_mobile",
            "principal",
            "principal_mobile",
            "principal_duties",
            "safety_managers",
            "address",
            "latitude",
            "longitude",
            "region",
            "region_code",
            "park",
            "grid",
            "industry_code",
            "sector",
            "scale",
            "employees",
            "status",
            *Enterprise.RISK_FEATURES,
            "standard_grade",
            "standard_expiry",
            "injury_insured",
            "liability_policy",
            "liability_insurer",
            "liability_expiry",
            "deposit_amount",
            "deposit_date",
            "has_safety_body",
            "safety_body_headcount",
            "pinyin_initials",
            "version",
            "licences",
            "personnel",
        ]
        read_only_fields = ["region_code", "sector", "pinyin_initials"]
        # Uniqueness among live enterprises is checked by the model's constraint.
        validators = []

    def to_internal_value(self, data):
        if hasattr(data, "get") and isinstance(data.get("uscc"), str):
            data = data.copy()
            data["uscc"] = normalise_uscc(data["uscc"])
        return super().to_internal_value(data)

    def get_fields(self):
        fields = super().get_fields()
        fields["uscc"].validators = [
            v for v in fields["uscc"].validators if "Unique" not in type(v).__name__
        ]
        if self.context.get("list"):
            fields.pop("safety_managers")  # the list stays light, like personnel
        return fields

    def _reveal(self, enterprise) -> bool:
        return selectors.can_see_id_numbers(self.context["request"].user, enterprise)

    def get_personnel(self, enterprise) -> list[dict]:
        if self.context.get("list"):
            return []
        return SpecialOperatorSerializer(
            enterprise.operators.all(), many=True, context={"reveal_ids": self._reveal(enterprise)}
        ).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("list"):
            data.pop("personnel")
        elif not self._reveal(instance):
            # ID numbers and certificate numbers follow one rule (selectors.can_see_id_numbers)
            for item, manager in zip(
                data["safety_managers"], instance.safety_managers.all(), strict=True
            ):
                item["certificate_number"] = manager.masked_certificate_number
        return data


class EnterpriseViewSet(ScopedModelViewSet):
    """Enterprises in the reader's scope. DELETE is a soft delete (administrators) and needs
    `?version=`; PUT/PATCH need `version` in the body."""

    queryset = Enterprise.objects.order_by("name", "pk")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "uscc", "region_code", "sector", "employees", "status"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @property
    def write_action(self):
        return "delete" if self.action == "destroy" else "change"

    def get_queryset(self):
        parts = ["licences"] if self.action == "list" else ["licences", "safety_managers"]
        return (
            super().get_queryset().select_related("region", "park", "grid").prefetch_related(*parts)
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "list": self.action == "list"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        managers = data.pop("safety_managers", None)
        serializer.instance = services.create_enterprise(
            actor=self.request.user, data=data, safety_managers=managers
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        managers = data.pop("safety_managers", None)
        if version is None:
            raise exceptions.ValidationError(
                {"version": [_("Send the version you read to update the record.")]}
            )
        serializer.instance = services.update_enterprise(
            actor=self.request.user,
            enterprise=serializer.instance,
            data=data,
            expected_version=version,
            safety_managers=None if managers is None else [dict(m) for m in managers],
        )

    @extend_schema(parameters=[OpenApiParameter("version", int, required=True)])
    def destroy(self, request, *args, **kwargs):
        enterprise = self.get_object()
        try:
            version = int(request.query_params["version"])
        except (KeyError, ValueError):
            raise exceptions.ValidationError(
                {"version": [_("Send the version you read to delete the record.")]}
            ) from None
        services.delete_enterprise(
            actor=request.user, enterprise=enterprise, expected_version=version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnterprisePartViewSet(ScopedModelViewSet):
    """Rows of one enterprise: /api/v1/enterprises/{enterprise_pk}/<part>/."""

    def enterprise(self) -> Enterprise:
        if not hasattr(self, "_enterprise"):
            self._enterprise = get_for_user_or_404(
                Enterprise, self.request.user, self.kwargs["enterprise_pk"]
            )
        return self._enterprise

    def get_queryset(self):
        return super().get_queryset().filter(enterprise=self.enterprise())

    def perform_create(self, serializer):
        model = serializer.Meta.model
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new row starts at version 1
        serializer.instance = services.add_part(
            actor=self.request.user, enterprise=self.enterprise(), part=model(**data)
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError(
                {"version": [_("Send the version you read to update the record.")]}
            )
        serializer.instance = services.change_part(
            actor=self.request.user, part=serializer.instance, data=data, version=version
        )


class SpecialOperatorViewSet(EnterprisePartViewSet):
    queryset = SpecialOperator.objects.order_by("name", "pk")
    serializer_class = SpecialOperatorSerializer

    def get_serializer_context(self):
        reveal = selectors.can_see_id_numbers(self.request.user, self.enterprise())
        return {**super().get_serializer_context(), "reveal_ids": reveal}


class LicenceViewSet(EnterprisePartViewSet):
    queryset = Licence.objects.order_by("kind", "-valid_to", "pk")
    serializer_class = LicenceSerializer

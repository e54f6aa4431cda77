"""Risk points, assessments, control measures and hazard units over the API, plus the
read-only reference tables and the roll-ups. Every write goes through `services`."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet, ScopedViewSetMixin
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import User
from safeloop.orgs.roles import ENTERPRISE_STAFF
from safeloop.risks import services
from safeloop.risks.choices import DirectReason, Level, Method
from safeloop.risks.filters import (
    ControlMeasureFilter,
    HazardUnitFilter,
    RiskAssessmentFilter,
    RiskPointFilter,
    RiskProfileFilter,
)
from safeloop.risks.models import (
    AccidentType,
    AccidentTypeCodeSet,
    AlphaBand,
    ControlMeasure,
    EnterpriseRiskProfile,
    GradingScheme,
    HazardCategory,
    HazardGradeBand,
    HazardousSubstance,
    HazardUnit,
    HazardUnitSubstance,
    LecValue,
    LsValue,
    RiskAssessment,
    RiskPoint,
)

SOURCED = ["source", "confidence"]


def visible_enterprises(request):
    return Enterprise.objects.for_user(request.user, "view")


def version_field() -> serializers.IntegerField:
    """The record's integer version: send it back as `version` with PUT/PATCH (or
    `?version=` with DELETE and regrade) and the change is refused with 409 if someone else
    changed the record meanwhile. Every change must send it: 400 on `version` when it is
    missing (creations need none: a new record starts at version 1)."""
    return serializers.IntegerField(required=False, min_value=1)


MISSING_VERSION = _("Send the version you read (409 when it is stale).")


def required_version(value) -> int:
    """`value` (an int or None): 400 on `version` when the client sent none."""
    if value is None:
        raise serializers.ValidationError({"version": [MISSING_VERSION]})
    return value


def sent_version(request) -> int | None:
    """The version a DELETE or an action names (`?version=`, or in the body): 400 on the
    `version` field when it is not a whole number ≥ 1."""
    value = request.data.get("version") if hasattr(request.data, "get") else None
    value = value if value is not None else request.query_params.get("version")
    if value in (None, ""):
        return None
    try:
        return version_field().run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"version": error.detail}) from None


class EnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise the user can see; others are 'does not exist', like a wrong id."""

    def get_queryset(self):
        return visible_enterprises(self.context["request"])


class RiskPointSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseField()
    version = version_field()
    accident_types = serializers.PrimaryKeyRelatedField(
        many=True, queryset=AccidentType.objects.all(), required=False
    )
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "enterprise",
            "name",
            "kind",
            "location",
            "post",
            "accident_types",
            "hazard_factors",
            "emergency_actions",
            "contacts",
            "review_due",
            "review_overdue",
            "level",
            "current_assessment",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["level", "current_assessment", "created_at", "updated_at"]

    def validate_enterprise(self, value):
        if self.instance is not None and value != self.instance.enterprise:
            raise serializers.ValidationError("A risk point cannot move to another enterprise.")
        return value


class ServiceViewSet(ScopedModelViewSet):
    """Create, update and delete call the app's services; deletion is soft."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    select = ()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.select:
            qs = qs.select_related(*self.select)
        if hasattr(self.queryset.model, "is_deleted"):
            qs = qs.filter(is_deleted=False)
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record starts at version 1
        serializer.instance = self.create_object(data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self.update_object(
            serializer.instance, {**data, "version": required_version(data.get("version"))}
        )

    def perform_destroy(self, instance):
        self.delete_object(instance, required_version(sent_version(self.request)))


class RiskPointViewSet(ServiceViewSet):
    queryset = RiskPoint.objects.order_by("enterprise_id", "name", "pk")
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilter
    select = ("enterprise",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("accident_types")

    def create_object(self, data):
        return services.create_risk_point(actor=self.request.user, **data)

    def update_object(self, point, data):
        data.pop("enterprise", None)
        return services.update_risk_point(actor=self.request.user, point=point, **data)

    def delete_object(self, point, version):
        services.delete_risk_point(actor=self.request.user, point=point, version=version)

    @extend_schema(request=None, responses={201: "RiskAssessmentSerializer"})
    @action(detail=True, methods=["post"])
    def regrade(self, request, pk=None):
        """Re-grade the current assessment under the active scheme (a new assessment)."""
        point = self.get_object()
        assessment = services.regrade_risk_point(
            actor=request.user, point=point, version=required_version(sent_version(request))
        )
        return Response(RiskAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class RiskAssessmentSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(choices=Method.choices)
    direct_reason = serializers.ChoiceField(
        choices=DirectReason.choices, required=False, allow_blank=True
    )
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assessed_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "risk_point",
            "enterprise",
            "method",
            "lec_l",
            "lec_e",
            "lec_c",
            "ls_l",
            "ls_s",
            "direct_reason",
            "direct_note",
            "score",
            "level",
            "scheme",
            "thresholds",
            "supersedes",
            "assessed_by",
            "assessed_at",
        ]
        read_only_fields = [
            "enterprise",
            "score",
            "level",
            "thresholds",
            "supersedes",
            "assessed_at",
        ]
        extra_kwargs = {"ls_l": {"validators": []}, "ls_s": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        if "request" in self.context:
            fields["risk_point"].queryset = RiskPoint.objects.for_user(
                self.context["request"].user, "view"
            ).filter(is_deleted=False)
        return fields


class RiskAssessmentViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments are written once and never changed; re-grading writes a new one."""

    queryset = RiskAssessment.objects.order_by("-assessed_at", "-pk")
    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilter

    def get_queryset(self):
        return super().get_queryset().select_related("scheme", "assessed_by")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        point = data.pop("risk_point")
        serializer.instance = services.assess_risk_point(
            actor=self.request.user,
            point=point,
            **{k: v for k, v in data.items() if v is not None},
        )


class ControlMeasureSerializer(serializers.ModelSerializer):
    version = version_field()

    class Meta:
        model = ControlMeasure
        fields = [
            "id",
            "risk_point",
            "enterprise",
            "kind",
            "description",
            "control_level",
            "responsible",
            "responsible_user",
            "responsible_phone",
            "inspection_frequency",
            "version",
        ]
        read_only_fields = ["enterprise"]

    def get_fields(self):
        fields = super().get_fields()
        if "request" in self.context:
            user = self.context["request"].user
            fields["risk_point"].queryset = RiskPoint.objects.for_user(user, "view").filter(
                is_deleted=False
            )
            # Only accounts of enterprise staff in the caller's scope can be named.
            fields["responsible_user"].queryset = User.objects.filter(
                role_assignments__enterprise__in=Enterprise.objects.for_user(user),
                role_assignments__role__in=ENTERPRISE_STAFF,
                role_assignments__active=True,
            ).distinct()
        return fields

    def validate_risk_point(self, value):
        if self.instance is not None and value != self.instance.risk_point:
            raise serializers.ValidationError("A measure cannot move to another risk point.")
        return value


class ControlMeasureViewSet(ServiceViewSet):
    queryset = ControlMeasure.objects.order_by("risk_point_id", "kind", "pk")
    serializer_class = ControlMeasureSerializer
    filterset_class = ControlMeasureFilter

    def create_object(self, data):
        point = data.pop("risk_point")
        return services.create_measure(actor=self.request.user, point=point, **data)

    def update_object(self, measure, data):
        data.pop("risk_point", None)
        return services.update_measure(actor=self.request.user, measure=measure, **data)

    def delete_object(self, measure, version):
        services.delete_measure(actor=self.request.user, measure=measure, version=version)


class UnitSubstanceSerializer(serializers.ModelSerializer):
    substance = serializers.SlugRelatedField(
        slug_field="name",
        queryset=HazardousSubstance.objects.all(),
        required=False,
        allow_null=True,
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=HazardCategory.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = HazardUnitSubstance
        fields = ["substance", "category", "label", "quantity"]

    def validate(self, attrs):
        if (attrs.get("substance") is None) == (attrs.get("category") is None):
            raise serializers.ValidationError(
                {"substance": ["Give either a named substance or a hazard category."]}
            )
        return attrs


class HazardUnitSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseField()
    version = version_field()
    substances = UnitSubstanceSerializer(many=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = HazardUnit
        fields = [
            "id",
            "enterprise",
            "name",
            "kind",
            "people_within_500m",
            "substances",
            "s_value",
            "alpha",
            "r_value",
            "identified",
            "grade",
            "steps",
            "version",
        ]
        read_only_fields = ["s_value", "alpha", "r_value", "identified", "grade"]

    def validate_enterprise(self, value):
        if self.instance is not None and value != self.instance.enterprise:
            raise serializers.ValidationError("A unit cannot move to another enterprise.")
        return value

    def validate_substances(self, value):
        if not value:
            raise serializers.ValidationError("List at least one substance.")
        return value

    def get_steps(self, unit) -> list[str]:
        return services.compute_unit(unit).steps


class HazardUnitViewSet(ServiceViewSet):
    queryset = HazardUnit.objects.order_by("enterprise_id", "name", "pk")
    serializer_class = HazardUnitSerializer
    filterset_class = HazardUnitFilter
    select = ("enterprise",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("substances")

    def create_object(self, data):
        return services.create_unit(actor=self.request.user, **data)

    def update_object(self, unit, data):
        data.pop("enterprise", None)
        return services.update_unit(actor=self.request.user, unit=unit, **data)

    def delete_object(self, unit, version):
        services.delete_unit(actor=self.request.user, unit=unit, version=version)


class RiskProfileSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region_code = serializers.CharField(source="enterprise.region_code", read_only=True)

    class Meta:
        model = EnterpriseRiskProfile
        fields = [
            "enterprise",
            "enterprise_name",
            "region_code",
            "level",
            "red",
            "orange",
            "yellow",
            "blue",
            "unassessed",
            "major_hazard",
            "major_hazard_grade",
            "updated_at",
        ]


class RiskProfileViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Each enterprise's roll-up; filter by level to list enterprises by risk."""

    queryset = EnterpriseRiskProfile.objects.order_by("enterprise_id")
    serializer_class = RiskProfileSerializer
    filterset_class = RiskProfileFilter

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")


@extend_schema(responses=dict)
@api_view(["GET"])
def rollup(request):
    """Counts per colour by county (`?by=region`, the default) or by park (`?by=park`)."""
    key = {"park": "enterprise__park", "region": "enterprise__region_code"}.get(
        request.query_params.get("by", "region")
    )
    if key is None:
        return Response(
            {"error": {"code": "invalid", "message": "by", "fields": {"by": ["region or park"]}}},
            status=400,
        )
    rows = (
        EnterpriseRiskProfile.objects.for_user(request.user, "view")
        .values(key)
        .annotate(
            enterprises=Count("pk"),
            **{f"{lv}_enterprises": Count("pk", filter=Q(level=lv)) for lv in Level.values},
            **{f"{lv}_points": Sum(lv) for lv in Level.values},
            major_hazards=Count("pk", filter=Q(major_hazard=True)),
        )
        .order_by(key)
    )
    return Response(
        {
            "by": request.query_params.get("by", "region"),
            "results": [{"key": r.pop(key), **r} for r in rows],
        }
    )


def _rows(model, fields):
    return list(model.objects.values(*fields))


@extend_schema(responses=dict)
@api_view(["GET"])
def reference(request):
    """The rule tables in force, each row with its source and confidence."""
    code_sets = []
    for cs in AccidentTypeCodeSet.objects.prefetch_related("types"):
        code_sets.append(
            {
                "code": cs.code,
                "name": cs.name,
                "effective_from": cs.effective_from,
                "is_current": cs.is_current,
                "source": cs.source,
                "confidence": cs.confidence,
                "types": [
                    {"id": t.id, "code": t.code, "name": t.name, "description": t.description}
                    for t in cs.types.all()
                ],
            }
        )
    return Response(
        {
            "accident_type_code_sets": code_sets,
            "lec_values": _rows(LecValue, ["factor", "value", "label", *SOURCED]),
            "ls_values": _rows(LsValue, ["factor", "value", "label", *SOURCED]),
            "grading_schemes": _rows(
                GradingScheme,
                [
                    "code",
                    "name",
                    "is_active",
                    "lec_red_above",
                    "lec_orange_above",
                    "lec_yellow_above",
                    "ls_red_min",
                    "ls_orange_min",
                    "ls_yellow_min",
                    *SOURCED,
                ],
            ),
            "hazard_categories": _rows(
                HazardCategory, ["code", "name", "critical_quantity", "beta", *SOURCED]
            ),
            "hazardous_substances": _rows(
                HazardousSubstance,
                ["name", "cas", "critical_quantity", "beta", "category__code", *SOURCED],
            ),
            "alpha_bands": _rows(AlphaBand, ["min_people", "max_people", "alpha", *SOURCED]),
            "grade_bands": _rows(HazardGradeBand, ["grade", "r_min", *SOURCED]),
        }
    )

"""/api/v1/training-…, /api/v1/campaigns…: the same services as the screens, the same
statuses. No DELETE: a record entered by mistake is voided (`POST …/void/`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.core.errors import NotPermitted
from safeloop.enterprises.models import Enterprise, SafetyManager, SpecialOperator
from safeloop.orgs.models import Region
from safeloop.training import services
from safeloop.training.filters import AnnualFilter, CampaignFilter, RecordFilter
from safeloop.training.models import (
    RULE_EDITORS,
    AnnualTraining,
    Campaign,
    CampaignActivity,
    TrainingRecord,
    TrainingRule,
)

VERSION_HELP = _("The version you read; required on updates (409 when it is stale).")


def _data(serializer) -> tuple[dict, int | None]:
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)


class RecordSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    safety_manager = serializers.PrimaryKeyRelatedField(
        queryset=SafetyManager.objects.all(), required=False, allow_null=True
    )
    operator = serializers.PrimaryKeyRelatedField(
        queryset=SpecialOperator.objects.all(), required=False, allow_null=True
    )
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    certificate_number = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "enterprise",
            *services.RECORD_FIELDS,
            "certificate_number",
            "voided_at",
            "version",
        ]
        read_only_fields = ["voided_at"]

    def get_certificate_number(self, obj) -> str:
        return obj.masked_certificate_number

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "certificate_number" in data:  # written in full, read back masked
            number = str(data.get("certificate_number") or "")
            if len(number) > 50:
                raise serializers.ValidationError(
                    {"certificate_number": [_("At most 50 characters.")]}
                )
            values["certificate_number"] = number
        return values

    def validate(self, attrs):
        return attrs  # the service's rules run once the enterprise is known


class RecordViewSet(ScopedModelViewSet):
    queryset = TrainingRecord.objects.order_by("-ended_on", "-id")
    serializer_class = RecordSerializer
    filterset_class = RecordFilter

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        serializer.instance = services.record_training(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("enterprise", None)
        serializer.instance = services.update_training(
            actor=self.request.user, record=serializer.instance, version=version, **data
        )

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void a record entered by mistake (`version` required): it stays, and no longer
        counts."""
        record = self.get_object()
        record = services.void_training(
            actor=request.user,
            record=record,
            version=request.data.get("version"),
            note=str(request.data.get("note", ""))[:300],
        )
        return Response(self.get_serializer(record).data)


class AnnualSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = AnnualTraining
        fields = ["id", "enterprise", "year", *services.ANNUAL_FIELDS, "version"]
        validators: list = []  # one row per enterprise and year: the service updates it

    def validate(self, attrs):
        return attrs


class AnnualViewSet(ScopedModelViewSet):
    """POST creates the year's row or, naming the version read, replaces its figures."""

    queryset = AnnualTraining.objects.order_by("-year", "enterprise_id")
    serializer_class = AnnualSerializer
    filterset_class = AnnualFilter

    def perform_create(self, serializer):
        data, version = _data(serializer)
        serializer.instance = services.save_annual(actor=self.request.user, version=version, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        row = serializer.instance
        data["enterprise"], data["year"] = row.enterprise, row.year
        serializer.instance = services.save_annual(actor=self.request.user, version=version, **data)


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingRule
        fields = ["id", *services.RULE_FIELDS, "created_at"]
        validators: list = []

    def validate(self, attrs):
        return attrs


class RuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The statutory hours, every version; administrators add a version (POST). Versions
    are never edited."""

    queryset = TrainingRule.objects.all()
    serializer_class = RuleSerializer

    def perform_create(self, serializer):
        if not self.request.user.roles & RULE_EDITORS:
            raise NotPermitted(_("Only an administrator changes these rules."))
        serializer.instance = services.add_rule(
            actor=self.request.user, **serializer.validated_data
        )


class CampaignSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), write_only=True, required=False
    )
    enterprises = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Campaign
        fields = ["id", "region", "region_code", *services.CAMPAIGN_FIELDS, "enterprises"]
        fields += ["version"]
        read_only_fields = ["region_code"]

    def validate(self, attrs):
        if self.instance is None and "region" not in attrs:
            raise serializers.ValidationError({"region": [_("This field is required.")]})
        return attrs


class CampaignViewSet(ScopedModelViewSet):
    queryset = Campaign.objects.order_by("-starts_on", "-id")
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        serializer.instance = services.create_campaign(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("region", None)
        serializer.instance = services.update_campaign(
            actor=self.request.user, campaign=serializer.instance, version=version, **data
        )


class ActivitySerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CampaignActivity
        fields = ["id", "campaign", "enterprise", "held_on", "title", "participants", "note"]


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A campaign's activities; recorded (POST), never edited or deleted."""

    queryset = CampaignActivity.objects.order_by("campaign_id", "held_on", "id")
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return CampaignActivity.objects.for_user(self.request.user, "view").order_by(
            "campaign_id", "held_on", "id"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.add_activity(actor=self.request.user, **data)

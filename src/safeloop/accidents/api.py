"""/api/v1/accidents/: scoped list and detail, report (POST), correct (PATCH with
`version`), and void (POST …/void/ with `reason` and `version`). No DELETE."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.accidents import investigation as cases
from safeloop.accidents import services, statistics
from safeloop.accidents.choices import ReportLevel
from safeloop.accidents.filters import AccidentFilter
from safeloop.accidents.models import Accident, Investigation, Measure, ReportStep, Revision
from safeloop.core.api import ScopedModelViewSet
from safeloop.core.errors import NotFound
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Level


class AccidentSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    version = serializers.IntegerField(
        required=False,
        help_text=_("The version you read; required on updates (409 when it is stale)."),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Why the figures changed (续报); required when they do."),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    voided = serializers.BooleanField(read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Accident
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            *services.EDITABLE,
            "grade",
            "reported_at",
            "reported_late",
            "state",
            "voided",
            "void_reason",
            "version",
            "allowed_moves",
            "reason",
        ]
        read_only_fields = ["grade", "reported_at", "reported_late", "state", "void_reason"]

    def get_allowed_moves(self, accident) -> list[str]:
        return services.allowed_moves(accident, self.context["request"].user)

    def validate_enterprise(self, enterprise):
        # Outside the reader's scope reads like a key that does not exist.
        user = self.context["request"].user
        if not Enterprise.objects.for_user(user, "view").filter(pk=enterprise.pk).exists():
            raise serializers.ValidationError(_("Invalid pk - object does not exist."))
        return enterprise


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField()


class ReportStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportStep
        fields = [
            "level",
            "position",
            "within_minutes",
            "source",
            "due_at",
            "reported_at",
            "late",
            "note",
        ]


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = ["number", "made_at", "reason", *services.FIGURES, "grade", "regraded"]


class OnwardSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[ReportLevel.COUNTY, ReportLevel.CITY])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeasureSerializer(serializers.ModelSerializer):
    hazard_state = serializers.CharField(source="hazard.state", read_only=True)
    deadline = serializers.DateField(write_only=True)
    level = serializers.ChoiceField(choices=Level.choices, default=Level.GENERAL, write_only=True)

    class Meta:
        model = Measure
        fields = ["id", "description", "hazard", "hazard_state", "deadline", "level"]
        read_only_fields = ["hazard"]


class InvestigationSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(required=False)
    measures = MeasureSerializer(many=True, read_only=True)
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            *cases.FIELDS,
            "state",
            "closed_at",
            "version",
            "measures",
            "checklist",
        ]
        read_only_fields = ["state", "closed_at"]

    def get_checklist(self, investigation) -> dict[str, bool]:
        return cases.checklist(investigation)


class CloseSerializer(serializers.Serializer):
    report = serializers.FileField()
    version = serializers.IntegerField()


class StatisticsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    by = serializers.ChoiceField(choices=list(statistics.DIMENSIONS), required=False)


class AccidentViewSet(ScopedModelViewSet):
    queryset = Accident.objects.select_related("enterprise").order_by("-occurred_at", "-pk")
    serializer_class = AccidentSerializer
    filterset_class = AccidentFilter

    @property
    def write_action(self):
        if self.action == "report_onward":
            return "view"  # the service decides by the level (403 for the wrong one)
        if self.action in ("investigation", "measures", "close_case"):
            return "void"  # regulators over the enterprise
        return "void" if self.action == "void" else "change"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.pop("reason", None)
        enterprise = data.pop("enterprise")
        serializer.instance = services.record(
            actor=self.request.user, enterprise=enterprise, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.setdefault("reason", "")
        if "enterprise" in data and data.pop("enterprise") != serializer.instance.enterprise:
            raise serializers.ValidationError(
                {"enterprise": [_("An accident cannot move to another enterprise.")]}
            )
        serializer.instance = services.update(
            actor=self.request.user, accident=serializer.instance, version=version, **data
        )

    @extend_schema(request=VoidSerializer, responses=AccidentSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        accident = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accident = services.void(actor=request.user, accident=accident, **body.validated_data)
        return Response(self.get_serializer(accident).data)

    @extend_schema(request=OnwardSerializer, responses=ReportStepSerializer)
    @action(detail=True, methods=["post"], url_path="report-onward")
    def report_onward(self, request, pk=None):
        """The county department or the city reports the accident to the level above."""
        accident = self.get_object()
        body = OnwardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = services.report_onward(actor=request.user, accident=accident, **body.validated_data)
        return Response(ReportStepSerializer(step).data)

    @extend_schema(responses=ReportStepSerializer(many=True))
    @action(detail=True, methods=["get"])
    def steps(self, request, pk=None):
        return Response(ReportStepSerializer(self.get_object().steps.all(), many=True).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        return Response(RevisionSerializer(self.get_object().revisions.all(), many=True).data)

    def _case(self, accident) -> Investigation:
        found = Investigation.objects.filter(accident=accident).first()
        if found is None:
            raise NotFound()
        return found

    @extend_schema(request=InvestigationSerializer, responses=InvestigationSerializer)
    @action(detail=True, methods=["get", "post", "patch"])
    def investigation(self, request, pk=None):
        """The accident's investigation: GET, open (POST), edit (PATCH with `version`)."""
        accident = self.get_object()
        if request.method == "GET":
            return Response(InvestigationSerializer(self._case(accident)).data)
        body = InvestigationSerializer(data=request.data, partial=request.method == "PATCH")
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        if request.method == "POST":
            case = cases.open_case(actor=request.user, accident=accident, **data)
            return Response(InvestigationSerializer(case).data, status=201)
        case = cases.edit_case(
            actor=request.user, investigation=self._case(accident), version=version, **data
        )
        return Response(InvestigationSerializer(case).data)

    @extend_schema(request=MeasureSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """Add a corrective measure: it becomes a hidden danger of the enterprise."""
        case = self._case(self.get_object())
        body = MeasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = cases.add_measure(actor=request.user, investigation=case, **body.validated_data)
        return Response(MeasureSerializer(measure).data, status=201)

    @extend_schema(request=CloseSerializer, responses=InvestigationSerializer)
    @action(detail=True, methods=["post"], url_path="close-case")
    def close_case(self, request, pk=None):
        """Close the case with the report (PDF, multipart); 400 while a measure is open."""
        case = self._case(self.get_object())
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = cases.close_case(actor=request.user, investigation=case, **body.validated_data)
        return Response(InvestigationSerializer(case).data)

    @extend_schema(parameters=[StatisticsQuerySerializer])
    @action(detail=False, methods=["get"], url_path="statistics")
    def statistics(self, request):
        """Counts, deaths, injuries and loss by `by` for `year`, with the year before."""
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        by = query.validated_data.get("by") or "month"
        rows = statistics.breakdown(statistics.accidents_in_scope(request.user), year=year, by=by)
        return Response(
            {
                "year": year,
                "by": by,
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "now": row.now,
                        "before": row.before,
                        "change": {m: row.change(m) for m in statistics.MEASURES},
                    }
                    for row in rows
                ],
            }
        )

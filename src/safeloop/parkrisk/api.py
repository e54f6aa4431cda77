"""/api/v1/park-assessments/, /api/v1/park-measures/, /api/v1/park-assessment-rules/: the
same services as the screens, the same statuses. Nothing is deleted; moves are POSTs naming
the version read."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.orgs.models import Park
from safeloop.parkrisk import selectors, services
from safeloop.parkrisk.filters import AssessmentFilter, MeasureFilter
from safeloop.parkrisk.models import AssessmentRule, Measure, ParkAssessment

VERSION_HELP = _("The version you read; required on updates (409 when it is stale).")


class AssessmentSerializer(serializers.ModelSerializer):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    figures = serializers.SerializerMethodField(
        help_text=_("The frozen indicators once approved, else counted now.")
    )

    class Meta:
        model = ParkAssessment
        fields = [
            "id",
            "park",
            "year",
            "state",
            *services.TEXT_FIELDS,
            "figures",
            "frozen_at",
            "review_note",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "version",
        ]
        read_only_fields = ["state", "frozen_at", "review_note"]
        validators: list = []

    def get_figures(self, obj) -> dict:
        return selectors.figures_of(obj)

    def validate(self, attrs):
        return attrs  # the service's rules


def _data(serializer) -> tuple[dict, int | None]:
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)


class AssessmentViewSet(ScopedModelViewSet):
    queryset = ParkAssessment.objects.order_by("-year", "park_id")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        serializer.instance = services.start_assessment(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("park", None)
        data.pop("year", None)
        serializer.instance = services.edit_assessment(
            actor=self.request.user, assessment=serializer.instance, version=version, **data
        )

    def _move(self, request, service, with_note=False):
        assessment = self.get_object()
        extra = {"note": str(request.data.get("note", ""))} if with_note else {}
        assessment = service(
            actor=request.user,
            assessment=assessment,
            version=request.data.get("version"),
            **extra,
        )
        return Response(self.get_serializer(assessment).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for review (park officer; the texts must be complete)."""
        return self._move(request, services.submit)

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Pass the review (county), with an optional `note`."""
        return self._move(request, services.review, with_note=True)

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Return for revision with a `note` (county from submitted, city from reviewed)."""
        return self._move(request, services.return_assessment, with_note=True)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (city): the indicators are frozen."""
        return self._move(request, services.approve)


class MeasureSerializer(serializers.ModelSerializer):
    assessment = serializers.PrimaryKeyRelatedField(queryset=ParkAssessment.objects.all())
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "assessment",
            "text",
            "owner",
            "deadline",
            "state",
            "closed_on",
            "closing_note",
            "version",
        ]
        read_only_fields = ["state", "closed_on", "closing_note"]


class MeasureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Measures: added (POST) while the assessment is a draft or returned; then followed up,
    closed and reopened by POSTs naming the version read."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    queryset = Measure.objects.none()

    def get_queryset(self):
        return Measure.objects.for_user(self.request.user, "view").order_by("deadline", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.add_measure(actor=self.request.user, **data)

    def _move(self, request, service):
        measure = self.get_object()
        result = service(
            actor=request.user,
            measure=measure,
            note=str(request.data.get("note", "")),
            version=request.data.get("version"),
        )
        measure = result if isinstance(result, Measure) else result.measure
        return Response(self.get_serializer(measure).data)

    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        return self._move(request, services.follow_up)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._move(request, services.close_measure)

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._move(request, services.reopen_measure)


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentRule
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
    """The due-day rule, every version; administrators add a version (POST)."""

    queryset = AssessmentRule.objects.all()
    serializer_class = RuleSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_rule(
            actor=self.request.user, **serializer.validated_data
        )

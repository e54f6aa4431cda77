"""/api/v1/target-indicators/, /api/v1/responsibility-letters/, /api/v1/target-assessments/,
/api/v1/target-results/ and the rules (/api/v1/target-indicator-kinds/, /api/v1/target-rules/,
/api/v1/scoring-schemes/): the same services as the screens, the same statuses. Nothing is
deleted: a letter is voided, a scheme or a rule gets a newer version; changes name the
version read (409 when it is stale)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator

from safeloop.core.api import ScopedViewSetMixin
from safeloop.core.errors import Conflict
from safeloop.orgs.models import Park, Region
from safeloop.targets import selectors, services
from safeloop.targets.choices import EntryKind
from safeloop.targets.filters import (
    AssessmentFilter,
    IndicatorFilter,
    LetterFilter,
    ResultFilter,
)
from safeloop.targets.models import (
    Assessment,
    AssessmentResult,
    Indicator,
    IndicatorKind,
    ResponsibilityLetter,
    ScoreEntry,
    ScoringScheme,
    TargetRule,
)
from safeloop.targets.workflow import ASSESSMENT_WORKFLOW, actor_kinds

REQUIRED = serializers.Field.default_error_messages["required"]
VERSION_HELP = _("The version you read; required on changes (409 when it is stale).")


def _names() -> dict:
    return dict(Region.objects.values_list("code", "name"))


@extend_schema_field(OpenApiTypes.STR)
class UnitLabel(serializers.Field):
    """The unit's name in words: the county, or "county · park"."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        names = self.context.setdefault("region_names", _names())
        return selectors.unit_label(names, obj)


class CreateOnly(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
):
    pass


# ---------------------------------------------------------------- indicators
class TargetIndicatorSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=IndicatorKind.objects.filter(active=True)
    )
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    region_code = serializers.CharField(max_length=6)
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(), required=False, allow_null=True
    )
    unit = UnitLabel()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Indicator
        fields = [
            *["id", "year", "kind", "kind_name", "region_code", "park", "unit"],
            *["limit", "note", "version"],
        ]
        validators: list = []

    def validate(self, attrs):
        return attrs  # the service's rules


class TargetBoardQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    city = serializers.CharField(max_length=6, required=False)


class IndicatorViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """The control indicators in the reader's scope. POST sets a unit's limit (city
    administrators); when the unit has one for that kind and year, name its `version`.
    PATCH changes `limit` and `note` with the `version` read. `board/` gives every indicator
    of a city's year with its consumption month by month."""

    queryset = Indicator.objects.order_by("-year", "kind__position", "region_code", "park_id")
    serializer_class = TargetIndicatorSerializer
    filterset_class = IndicatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "park")

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        existing = Indicator.objects.filter(
            year=data["year"],
            kind=data["kind"],
            region_code=data["region_code"],
            park=data.get("park"),
        ).exists()
        if existing and version is None:
            raise Conflict(
                _("This unit has this indicator for the year: name the version you read.")
            )
        indicator = services.set_indicator(actor=request.user, version=version, **data)
        return Response(self.get_serializer(indicator).data, status=200 if existing else 201)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        row = serializer.instance
        if data.get("version") is None:
            raise exceptions.ValidationError({"version": [REQUIRED]})
        for name in ("year", "kind", "region_code", "park"):
            if name in data and data[name] != getattr(row, name):
                raise exceptions.ValidationError(
                    {name: [_("Set the other unit's or year's indicator instead.")]}
                )
        serializer.instance = services.set_indicator(
            actor=self.request.user,
            year=row.year,
            kind=row.kind,
            region_code=row.region_code,
            park=row.park,
            limit=data.get("limit", row.limit),
            note=data.get("note", row.note),
            version=data["version"],
        )

    @extend_schema(parameters=[TargetBoardQuery])
    @action(detail=False, methods=["get"])
    def board(self, request):
        """A city's year: each indicator the reader sees with its use, share and state
        (`ok`, `warn` at the warning share, `breach` over the limit), month by month."""
        query = TargetBoardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        cities = selectors.cities_for(request.user) if selectors.is_reader(request.user) else []
        code = query.validated_data.get("city")
        city = next((c for c in cities if c.code == code or code is None), None)
        if city is None:
            return Response({"year": year, "city": code, "warn_percent": None, "rows": []})
        b = selectors.board(request.user, city, year)
        return Response(
            {
                "year": year,
                "city": city.code,
                "warn_percent": b.warn_percent,
                "rows": [
                    {
                        "id": ind.pk,
                        "kind": ind.kind.code,
                        "kind_name": ind.kind.name,
                        "region_code": ind.region_code,
                        "park": ind.park_id,
                        "unit": label,
                        "limit": str(use.limit),
                        "used": str(use.used),
                        "share": use.share,
                        "state": state,
                        "months": use.months,
                    }
                    for ind, use, label, state in b.rows
                ],
            }
        )


# ---------------------------------------------------------------- letters
class ResponsibilityLetterSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(max_length=6)
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(), required=False, allow_null=True
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    unit = UnitLabel()
    scan = serializers.FileField(write_only=True, help_text=_("PDF, or a JPEG/PNG/WebP image."))
    scan_url = serializers.SerializerMethodField()

    class Meta:
        model = ResponsibilityLetter
        fields = [
            *["id", "year", "region_code", "park", "unit", "issuer_signatory"],
            *["holder_signatory", "signed_on", "scan", "scan_url", "note", "voided_at"],
            *["void_reason", "created_at", "version"],
        ]
        read_only_fields = ["voided_at", "void_reason", "created_at", "version"]
        validators: list = []

    def get_scan_url(self, obj) -> str:
        return f"/targets/letters/{obj.pk}/scan/"

    def validate(self, attrs):
        return attrs


class LetterVoidSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)
    reason = serializers.CharField(max_length=300)


class MissingLettersQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    city = serializers.CharField(max_length=6, required=False)


class LetterViewSet(CreateOnly):
    """Responsibility letters in the reader's scope. POST (multipart, with the signed `scan`)
    records a unit's letter (administrators over the unit); `void/` voids one with a reason
    and the version read; `missing/` lists the units still without a standing letter."""

    queryset = ResponsibilityLetter.objects.order_by("-year", "region_code", "park_id", "-id")
    serializer_class = ResponsibilityLetterSerializer
    filterset_class = LetterFilter

    def get_queryset(self):
        return super().get_queryset().select_related("park")

    def perform_create(self, serializer):
        serializer.instance = services.record_letter(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=LetterVoidSerializer, responses=ResponsibilityLetterSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        letter = self.get_object()
        body = LetterVoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        letter = services.void_letter(actor=request.user, letter=letter, **body.validated_data)
        return Response(self.get_serializer(letter).data)

    @extend_schema(parameters=[MissingLettersQuery])
    @action(detail=False, methods=["get"])
    def missing(self, request):
        query = MissingLettersQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        code = query.validated_data.get("city")
        cities = selectors.cities_for(request.user) if selectors.is_reader(request.user) else []
        units = [
            unit
            for city in cities
            if code is None or city.code == code
            for unit in selectors.missing_letters(request.user, city, year)
        ]
        return Response(
            {
                "year": year,
                "units": [
                    {"region_code": u.region_code, "park": u.park_id, "unit": u.label}
                    for u in units
                ],
            }
        )


# ---------------------------------------------------------------- the assessment
class TargetAssessmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(max_length=6, help_text=_("The city's code."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    approved_by = serializers.CharField(source="approved_by.full_name", read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            *["id", "year", "region_code", "scheme", "state", "computed_at"],
            *["approved_at", "approved_by", "version", "allowed_moves"],
        ]
        read_only_fields = ["scheme", "state", "computed_at", "approved_at"]
        validators: list = []

    def get_allowed_moves(self, obj) -> list[str]:
        user = self.context["request"].user
        return ASSESSMENT_WORKFLOW.moves_for(obj.state, actor_kinds(user, obj.region_code))

    def validate(self, attrs):
        return attrs


class TargetApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)


class AssessmentViewSet(CreateOnly):
    """The annual assessments the reader sees (through one of their units' lines). POST
    with the city's `region_code` and `year` computes the year as a draft, or recomputes the
    draft (200; name its `version`); `approve/` freezes it."""

    queryset = Assessment.objects.order_by("-year", "region_code")
    serializer_class = TargetAssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        # the scope reaches an assessment through its results: one row each
        return super().get_queryset().select_related("approved_by").distinct()

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        before = Assessment.objects.filter(
            year=data["year"], region_code=data["region_code"]
        ).exists()
        assessment = services.compute_assessment(
            actor=request.user,
            region_code=data["region_code"],
            year=data["year"],
            version=data.get("version"),
        )
        return Response(self.get_serializer(assessment).data, status=200 if before else 201)

    @extend_schema(request=TargetApproveSerializer, responses=TargetAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the draft (every manual item of the units not vetoed scored): the
        figures are frozen."""
        assessment = self.get_object()
        body = TargetApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = services.approve(
            actor=request.user, assessment=assessment, **body.validated_data
        )
        return Response(self.get_serializer(assessment).data)


class ScoreEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.full_name", read_only=True)
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True)
    evidence_url = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        write_only=True, help_text=_("The assessment's version you read (409 when stale).")
    )
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField(max_length=5000)
    item = serializers.CharField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = ScoreEntry
        fields = [
            *["id", "kind", "item", "points", "reason", "evidence", "evidence_url"],
            *["by", "at", "version"],
        ]
        read_only_fields = ["at"]

    def get_evidence_url(self, obj) -> str:
        return f"/targets/entries/{obj.pk}/evidence/" if obj.evidence else ""


class TargetResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="assessment.year", read_only=True)
    state = serializers.CharField(source="assessment.state", read_only=True)
    vetoed = serializers.BooleanField(read_only=True)

    class Meta:
        model = AssessmentResult
        fields = [
            *["id", "assessment", "year", "state", "region_code", "park", "label"],
            *["items", "figures", "vetoes", "vetoed", "item_total", "adjustment"],
            *["total", "rank"],
        ]
        read_only_fields = fields


class TargetResultDetailSerializer(TargetResultSerializer):
    entries = ScoreEntrySerializer(many=True, read_only=True)

    class Meta(TargetResultSerializer.Meta):
        fields = [*TargetResultSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class ResultViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Each unit's line of an assessment the reader sees: every item with the figures it
    was computed from, the vetoes, the totals and the rank. `entries/` (POST, multipart when
    with `evidence`) scores a manual item or adjusts the total, naming the assessment's
    `version`."""

    queryset = AssessmentResult.objects.order_by(
        "-assessment__year", "park_id", "rank", "region_code", "id"
    )
    serializer_class = TargetResultSerializer
    filterset_class = ResultFilter

    def get_queryset(self):
        rows = super().get_queryset().select_related("assessment")
        if self.action == "retrieve":
            rows = rows.prefetch_related("entries__by")
        return rows

    def get_serializer_class(self):
        return TargetResultDetailSerializer if self.action == "retrieve" else TargetResultSerializer

    @extend_schema(request=ScoreEntrySerializer, responses={201: ScoreEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        result = self.get_object()
        body = ScoreEntrySerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        entry = services.score_entry(actor=request.user, result=result, **body.validated_data)
        return Response(
            ScoreEntrySerializer(entry, context=self.get_serializer_context()).data, 201
        )


# ---------------------------------------------------------------- rules
class ReaderOnly(viewsets.GenericViewSet):
    """The rules are read by the targets' readers (403 to the others, as on the screen)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.is_reader(request.user):
            raise exceptions.PermissionDenied()


class RulesViewSet(ReaderOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    service = None

    def perform_create(self, serializer):
        serializer.instance = type(self).service(  # type: ignore[misc]
            actor=self.request.user, **serializer.validated_data
        )


class IndicatorKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorKind
        fields = ["id", "code", "name", "measure", "grade", "position", "active", "source"]
        read_only_fields = ["position", "active"]
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        # "taken" is the service's rule; the field's other checks (length, control
        # characters: a NUL once reached PostgreSQL, a 500) stay.
        fields["code"].validators = [
            v for v in fields["code"].validators if not isinstance(v, UniqueValidator)
        ]
        return fields


class KindViewSet(RulesViewSet, mixins.CreateModelMixin):
    """Indicator kinds; city administrators add one (POST)."""

    queryset = IndicatorKind.objects.all()
    serializer_class = IndicatorKindSerializer
    service = services.add_indicator_kind


class TargetRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetRule
        fields = ["id", "warn_percent", "effective_from", "source", "notes", "created_at"]
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        fields["effective_from"].validators = []
        return fields


class TargetRuleViewSet(RulesViewSet, mixins.CreateModelMixin):
    """The warning share, every version; city administrators add a version (POST)."""

    queryset = TargetRule.objects.all()
    serializer_class = TargetRuleSerializer
    service = services.add_target_rule


class ScoringSchemeSerializer(serializers.ModelSerializer):
    items = serializers.JSONField()
    vetoes = serializers.JSONField()

    class Meta:
        model = ScoringScheme
        fields = ["id", "effective_from", "items", "vetoes", "source", "notes", "created_at"]
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        fields["effective_from"].validators = []
        return fields


class SchemeViewSet(RulesViewSet, mixins.CreateModelMixin):
    """The scoring schemes, every version; city administrators add a version (POST)."""

    queryset = ScoringScheme.objects.all()
    serializer_class = ScoringSchemeSerializer
    service = services.add_scheme


__all__ = [
    "AssessmentViewSet",
    "IndicatorViewSet",
    "KindViewSet",
    "LetterViewSet",
    "ResultViewSet",
    "SchemeViewSet",
    "TargetRuleViewSet",
]

"""Inspections over the API: the criteria library and checklists (read), plans (create,
choose targets, assign), visits (read, the items to answer, submit, the PDF record) and
results (read). Every read is scoped; writes go through the services; errors have the
project's one shape."""

from collections import Counter

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.enterprises.models import Enterprise
from safeloop.enterprises.search import lookup
from safeloop.hazards.choices import Category
from safeloop.inspections import checklist_services, selectors, services
from safeloop.inspections.choices import Outcome, PlanKind
from safeloop.inspections.filters import (
    ChecklistFilter,
    CriterionFilter,
    PlanFilter,
    ResultFilter,
    VisitFilter,
)
from safeloop.inspections.forms import inspectors_of
from safeloop.inspections.models import (
    Checklist,
    ChecklistItem,
    Criterion,
    Plan,
    PlanTarget,
    Visit,
    VisitResult,
)
from safeloop.orgs.models import Department, Region, User


class CriterionSerializer(serializers.ModelSerializer):
    standard_code = serializers.CharField(source="standard.code", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "standard",
            "standard_code",
            "article",
            "item",
            "area",
            "text",
            "verified",
            "source_note",
            "revision",
            "superseded_by",
            "reference",
        ]


class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """The criteria library, every standard and revision (reference data, read by all)."""

    queryset = Criterion.objects.select_related("standard").order_by("standard", "area", "id")
    serializer_class = CriterionSerializer
    filterset_class = CriterionFilter


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text", "basis", "clause", "category", "is_major", "criterion"]


class ChecklistSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Checklist
        fields = [
            "id",
            "name",
            "kind",
            "standard",
            "department",
            "enterprise",
            "active",
            "version",
            "items",
        ]

    def get_items(self, checklist) -> list[dict]:
        items = checklist.items.filter(active=True).order_by("order", "id")
        return ChecklistItemSerializer(items, many=True).data


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class ChecklistWriteSerializer(serializers.Serializer):
    """A custom checklist: its name, its owner (on create) and, for a department's, where it
    applies ("everyone", "sector:<sector>" or "feature:<flag>")."""

    name = serializers.CharField(max_length=200)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False
    )
    applies_to = serializers.CharField(max_length=60, required=False)
    version = serializers.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a row the user cannot see is no valid choice: 400 as unknown
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
            self.fields["department"].queryset = Department.objects.for_user(request.user)


class ChecklistItemWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    basis = serializers.CharField(max_length=200, required=False, allow_blank=True)
    clause = serializers.CharField(max_length=60, required=False, allow_blank=True)
    category = serializers.ChoiceField(Category.choices)
    order = serializers.IntegerField(min_value=0, max_value=9999, required=False, default=0)
    version = serializers.IntegerField(required=False)


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(required=False)


def _valid(serializer_class, request):
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Every readable checklist; custom ones are kept here by their enterprise's staff or
    their department's planners (checklist_services)."""

    queryset = Checklist.objects.all()
    serializer_class = ChecklistSerializer
    filterset_class = ChecklistFilter

    @extend_schema(request=ChecklistWriteSerializer, responses=ChecklistSerializer)
    def create(self, request):
        data = _valid(ChecklistWriteSerializer, request)
        checklist = checklist_services.create_checklist(
            actor=request.user,
            name=data["name"],
            enterprise=data.get("enterprise"),
            department=data.get("department"),
            rule=checklist_services.rule_from(data.get("applies_to")),
        )
        return Response(ChecklistSerializer(checklist).data, status=201)

    @extend_schema(request=ChecklistWriteSerializer, responses=ChecklistSerializer)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _valid(ChecklistWriteSerializer, request)
        checklist = checklist_services.update_checklist(
            checklist=self.get_object(),
            actor=request.user,
            version=data.get("version"),
            name=data["name"],
            rule=checklist_services.rule_from(data.get("applies_to")),
        )
        return Response(ChecklistSerializer(checklist).data)

    @extend_schema(request=RetireSerializer, responses=ChecklistSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        data = _valid(RetireSerializer, request)
        checklist = checklist_services.retire_checklist(
            checklist=self.get_object(), actor=request.user, **data
        )
        return Response(ChecklistSerializer(checklist).data)

    @extend_schema(request=ChecklistItemWriteSerializer, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        data = _valid(ChecklistItemWriteSerializer, request)
        item = checklist_services.add_item(checklist=self.get_object(), actor=request.user, **data)
        return Response(ChecklistItemSerializer(item).data, status=201)

    def _item(self, item_id):
        return get_object_or_404(ChecklistItem, pk=item_id, checklist=self.get_object())

    @extend_schema(
        operation_id="inspection_checklists_items_edit",  # not the add's "…_items_create"
        request=ChecklistItemWriteSerializer,
        responses=ChecklistItemSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)")
    def edit_item(self, request, pk=None, item_id=None):
        """Edit an item; one a result cites is retired and replaced (the answer names the
        item now in use)."""
        data = _valid(ChecklistItemWriteSerializer, request)
        item = checklist_services.edit_item(item=self._item(item_id), actor=request.user, **data)
        return Response(ChecklistItemSerializer(item).data)

    @extend_schema(request=VersionSerializer, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/retire")
    def retire_item(self, request, pk=None, item_id=None):
        data = _valid(VersionSerializer, request)
        item = checklist_services.retire_item(
            item=self._item(item_id), actor=request.user, version=data.get("version")
        )
        return Response(ChecklistItemSerializer(item).data)

    def get_queryset(self):
        return Checklist.objects.for_user(self.request.user).order_by("kind", "name", "id")

    @extend_schema(
        parameters=[OpenApiParameter("enterprise", int, required=True)],
        responses=ChecklistSerializer(many=True),
    )
    @action(detail=False)
    def applicable(self, request):
        """The checklists that apply to one enterprise, from its sector and risk features."""
        pk = request.query_params.get("enterprise", "")
        if not pk.isdigit():
            raise serializers.ValidationError({"enterprise": ["Give an enterprise id."]})
        enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=pk)
        checklists = selectors.applicable_checklists(enterprise)
        return Response(ChecklistSerializer(checklists, many=True).data)


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "kind",
            "region",
            "region_code",
            "enterprise",
            "period_start",
            "period_end",
            "state",
            "note",
            "targeted_at",
            "version",
        ]
        read_only_fields = ["region_code", "state", "targeted_at", "version"]


class PlanCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(PlanKind.choices)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(), required=False
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a row the user cannot see is no valid choice: 400 as unknown
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
            self.fields["region"].queryset = Region.objects.for_user(request.user)


class TargetSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = PlanTarget
        fields = [
            "enterprise",
            "enterprise_name",
            "region_code",
            "risk_level",
            "reasons",
            "reason_text",
            "visits_planned",
        ]


class AssignSerializer(serializers.Serializer):
    sector = serializers.CharField(max_length=20, required=False, allow_blank=True)
    risk_level = serializers.CharField(max_length=8, required=False, allow_blank=True)
    fingerprint = serializers.CharField(max_length=64, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class ProposedVisitSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    inspector = serializers.IntegerField()
    inspector_name = serializers.CharField()
    scheduled_on = serializers.DateField()
    weekday = serializers.IntegerField(help_text="1 Monday … 7 Sunday")


class InspectorCountSerializer(serializers.Serializer):
    inspector = serializers.IntegerField()
    inspector_name = serializers.CharField()
    visits = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    fingerprint = serializers.CharField()
    sector = serializers.CharField()
    risk_level = serializers.CharField()
    unassigned = serializers.IntegerField()
    inspectors = InspectorCountSerializer(many=True)
    visits = ProposedVisitSerializer(many=True)


def preview_data(preview) -> dict:
    ids = {p.inspector_id for p in preview.proposal}
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    names = dict(
        Enterprise.objects.filter(pk__in={p.enterprise_id for p in preview.proposal}).values_list(
            "pk", "name"
        )
    )
    counts = Counter(p.inspector_id for p in preview.proposal)
    return {
        "fingerprint": preview.fingerprint,
        "sector": preview.filters.sector,
        "risk_level": preview.filters.risk_level,
        "unassigned": preview.unassigned,
        "inspectors": [
            {"inspector": pk, "inspector_name": people[pk], "visits": n}
            for pk, n in sorted(counts.items())
        ],
        "visits": [
            {
                "enterprise": p.enterprise_id,
                "enterprise_name": names[p.enterprise_id],
                "inspector": p.inspector_id,
                "inspector_name": people[p.inspector_id],
                "scheduled_on": p.day,
                "weekday": p.day.isoweekday(),
            }
            for p in preview.proposal
        ],
    }


class VisitSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspector_name = serializers.CharField(source="inspector.__str__", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "plan",
            "enterprise",
            "enterprise_name",
            "region_code",
            "inspector",
            "inspector_name",
            "scheduled_on",
            "state",
            "submitted_at",
            "representative",
            "summary",
            "version",
        ]


class FoundEnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "uscc", "region_code"]


class AddVisitSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    inspector = serializers.IntegerField()
    scheduled_on = serializers.DateField()


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plans_for(self.request.user).order_by("-period_start", "-id")

    @extend_schema(request=PlanCreateSerializer, responses=PlanSerializer)
    def create(self, request):
        data = PlanCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        plan = services.create_plan(actor=request.user, **data.validated_data)
        return Response(PlanSerializer(plan).data, status=201)

    @extend_schema(request=VersionSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def target(self, request, pk=None):
        """Choose the plan's enterprises by the targeting rules (set-based, with reasons)."""
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.generate_targets(plan=self.get_object(), actor=request.user, **data.validated_data)
        return Response(PlanSerializer(Plan.objects.get(pk=pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("sector", str, required=False),
            OpenApiParameter("risk_level", str, required=False),
        ],
        responses=PreviewSerializer,
    )
    @action(detail=True)
    def preview(self, request, pk=None):
        """The visits a dispatch would create now (nothing is written), by inspector, with
        the fingerprint the dispatch must send back."""
        preview = services.preview_assignment(
            actor=request.user,
            plan=self.get_object(),
            sector=request.query_params.get("sector", ""),
            risk_level=request.query_params.get("risk_level", ""),
        )
        return Response(preview_data(preview))

    @extend_schema(request=AssignSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Dispatch exactly the previewed visits (409 when the proposal has changed since)."""
        plan = self.get_object()
        data = _valid(AssignSerializer, request)
        if plan.kind != PlanKind.SELF and not data.get("fingerprint"):
            raise serializers.ValidationError(
                {"fingerprint": [_("Preview the dispatch first and send its fingerprint.")]}
            )
        services.assign(plan=plan, actor=request.user, **data)
        return Response(PlanSerializer(Plan.objects.get(pk=pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses=FoundEnterpriseSerializer(many=True),
    )
    @action(detail=True, url_path="enterprises")
    def find_enterprises(self, request, pk=None):
        """Enterprises of the plan's region for a visit by hand, by name fragment, pinyin
        initials or credit code (whole or part, any case); the first 20."""
        plan = self.get_object()
        text = request.query_params.get("q", "").strip()
        if not text:
            raise serializers.ValidationError({"q": [_("Type a name, pinyin initials or code.")]})
        rows = lookup(
            Enterprise.objects.for_user(request.user).filter(
                region_code__startswith=plan.region.prefix
            ),
            text[:100],
        )
        return Response(FoundEnterpriseSerializer(rows, many=True).data)

    @extend_schema(request=AddVisitSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="visits")
    def add_visit(self, request, pk=None):
        """One visit by hand (an unannounced visit, a follow-up): the enterprise by id (see
        `enterprises/?q=`), an inspector of the region, a day of the period."""
        plan = self.get_object()
        data = _valid(AddVisitSerializer, request)
        enterprise = (
            Enterprise.objects.for_user(request.user)
            .filter(pk=data["enterprise"], region_code__startswith=plan.region.prefix)
            .first()
        )
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [_("No enterprise with this id in the plan's region.")]}
            )
        inspector = inspectors_of(plan).filter(pk=data["inspector"]).first()
        if inspector is None:
            raise serializers.ValidationError(
                {"inspector": [_("Choose an inspector of the plan's region.")]}
            )
        visit = services.add_visit(
            plan=plan,
            actor=request.user,
            enterprise=enterprise,
            inspector=inspector,
            scheduled_on=data["scheduled_on"],
        )
        return Response(VisitSerializer(visit).data, status=201)

    @extend_schema(request=VersionSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the plan once none of its visits is still assigned (409 otherwise)."""
        data = _valid(VersionSerializer, request)
        plan = services.close_plan(plan=self.get_object(), actor=request.user, **data)
        return Response(PlanSerializer(plan).data)

    @extend_schema(responses=TargetSerializer(many=True))
    @action(detail=True)
    def targets(self, request, pk=None):
        plan = self.get_object()
        page = self.paginate_queryset(selectors.targets_for(request.user, plan))
        return self.get_paginated_response(TargetSerializer(page, many=True).data)


class FindingSerializer(serializers.Serializer):
    category = serializers.ChoiceField(Category.choices, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(Outcome.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    hazard = FindingSerializer(required=False)


class SubmitSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True, allow_empty=False, max_length=2000)
    inspector_signature = serializers.CharField(max_length=800_000)
    representative_signature = serializers.CharField(max_length=800_000)
    representative = serializers.CharField(max_length=50)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(required=False)


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitResult
        fields = [
            "id",
            "visit",
            "checklist_item",
            "criterion",
            "item_text",
            "basis",
            "is_major",
            "outcome",
            "note",
            "hazard",
        ]


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Visit.objects.all()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self):
        return selectors.visits_for(self.request.user).order_by("scheduled_on", "id")

    @extend_schema(responses=ChecklistSerializer(many=True))
    @action(detail=True)
    def items(self, request, pk=None):
        """The checklists and items this visit asks about."""
        visit = self.get_object()
        return Response(
            [
                {**ChecklistSerializer(c).data, "items": ChecklistItemSerializer(i, many=True).data}
                for c, i in selectors.visit_items(visit)
            ]
        )

    @extend_schema(
        request=SubmitSerializer,
        responses=VisitSerializer,
        description="All or nothing: each failed item registers a hidden danger through the "
        "hazards services. A repeated submission (e.g. from an offline queue) returns the "
        "recorded visit with 200 and creates nothing more.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        visit = self.get_object()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit, created = services.submit_visit(
            visit=visit, actor=request.user, **data.validated_data
        )
        return Response(VisitSerializer(visit).data, status=201 if created else 200)

    @extend_schema(request=CancelSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Call off an assigned visit, saying why."""
        data = _valid(CancelSerializer, request)
        visit = services.cancel_visit(visit=self.get_object(), actor=request.user, **data)
        return Response(VisitSerializer(visit).data)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, url_path="record.pdf", url_name="record")
    def record(self, request, pk=None):
        """The 检查记录 (PDF) of a submitted visit."""
        visit = self.get_object()
        if not visit.record_pdf:
            raise serializers.ValidationError({"state": ["The visit is not submitted yet."]})
        return HttpResponse(bytes(visit.record_pdf), content_type="application/pdf")


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = VisitResult.objects.all()
    serializer_class = ResultSerializer
    filterset_class = ResultFilter

    def get_queryset(self):
        return VisitResult.objects.filter(
            visit__in=selectors.visits_for(self.request.user).values("pk")
        ).order_by("visit", "id")

"""/api/v1/source-…: the same services as the screens, the same statuses. Nothing is
deleted: assignments are withdrawn, relations voided, items retired; lifecycles move by
POST to their move (`…/notify/`, `…/apply/` …) naming the version read."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from safeloop.core.errors import NotPermitted
from safeloop.core.scoping import as_pk
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.orgs.models import Region, User
from safeloop.sourcecontrol import orders, services
from safeloop.sourcecontrol.choices import RelationKind, StopScope
from safeloop.sourcecontrol.filters import (
    CancellationFilter,
    EliminationFilter,
    InventoryFilter,
    StopFilter,
)
from safeloop.sourcecontrol.models import (
    CATALOGUE_EDITORS,
    CatalogueEntry,
    CatalogueMatch,
    EliminationItem,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    ExpertVisit,
    InventoryItem,
    LicenceCancellation,
    Milestone,
    ServiceContract,
    StopOrder,
    VisitFinding,
)

VERSION_HELP = _("The version you read; required on updates (409 when it is stale).")


def _data(serializer) -> tuple[dict, int | None]:
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)


def _visible(viewset, pk):
    """The object through the user's view scope (404), for moves whose right the service
    decides (403)."""
    obj = viewset.get_queryset().filter(pk=as_pk(pk)).first()
    if obj is None:
        raise NotFound()
    return obj


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class Versioned(serializers.Serializer):
    version = serializers.IntegerField(required=True, help_text=VERSION_HELP)


class Text(Versioned):
    text = serializers.CharField(max_length=5000, allow_blank=True)


# ---------------------------------------------------------------- experts
class ExpertSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), write_only=True, required=False
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = ExpertProfile
        fields = ["id", "user", "region", "region_code", *services.EXPERT_FIELDS, "version"]
        read_only_fields = ["region_code"]

    def validate(self, attrs):
        if self.instance is None:
            for name in ("user", "region"):
                if name not in attrs:
                    raise serializers.ValidationError({name: [_("This field is required.")]})
        return attrs


class RelationSerializer(serializers.ModelSerializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=ExpertProfile.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    kind = serializers.ChoiceField(choices=RelationKind.choices)

    class Meta:
        model = ExpertRelation
        fields = [
            "id",
            "expert",
            "enterprise",
            "kind",
            "note",
            "declared_on",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = ["voided_at", "void_reason"]


class ExpertViewSet(ScopedModelViewSet):
    """The expert pool (regulators read it; administrators keep it)."""

    queryset = ExpertProfile.objects.order_by("name", "id")
    serializer_class = ExpertSerializer

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        serializer.instance = services.add_expert(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("user", None), data.pop("region", None)
        serializer.instance = services.update_expert(
            actor=self.request.user, expert=serializer.instance, version=version, **data
        )


class RelationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSetMixin,
):
    """An expert's ties to enterprises (POST declares one; `…/void/` voids it)."""

    queryset = ExpertRelation.objects.order_by("expert_id", "-declared_on", "-id")
    serializer_class = RelationSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        expert = data.pop("expert")
        if not ExpertProfile.objects.for_user(self.request.user, "view").filter(pk=expert.pk):
            raise serializers.ValidationError({"expert": [_("No such expert.")]})
        serializer.instance = services.declare_relation(
            actor=self.request.user, expert=expert, **data
        )

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        relation = self.get_object()
        reason = str(request.data.get("reason", ""))[:300]
        relation = services.void_relation(actor=request.user, relation=relation, reason=reason)
        return Response(self.get_serializer(relation).data)


# ---------------------------------------------------------------- contracts, assignments, visits
class ContractSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), write_only=True, required=False
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = ServiceContract
        fields = ["id", "region", "region_code", *services.CONTRACT_FIELDS, "version"]
        read_only_fields = ["region_code"]
        validators: list = []

    def validate(self, attrs):
        if self.instance is None and "region" not in attrs:
            raise serializers.ValidationError({"region": [_("This field is required.")]})
        return attrs


class AssignInput(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=ExpertProfile.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())


class AssignmentSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = ExpertAssignment
        fields = [
            "id",
            "contract",
            "expert",
            "expert_name",
            "enterprise",
            "enterprise_name",
            "assigned_on",
            "withdrawn_at",
            "withdraw_reason",
            "version",
        ]
        read_only_fields = fields


class ContractViewSet(ScopedModelViewSet):
    queryset = ServiceContract.objects.order_by("-starts_on", "-id")
    serializer_class = ContractSerializer

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        serializer.instance = services.create_contract(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("region", None)
        serializer.instance = services.update_contract(
            actor=self.request.user, contract=serializer.instance, version=version, **data
        )

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign an expert to an enterprise: 400 on `expert` when the expert has any
        relation to the enterprise (conflict of interest)."""
        contract = self.get_object()
        data = _input(AssignInput, request)
        assignment = services.assign_expert(actor=request.user, contract=contract, **data)
        return Response(AssignmentSerializer(assignment).data, status=201)


class FindingInput(serializers.Serializer):
    place = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    level = serializers.ChoiceField(choices=["general", "major"], default="general")
    deadline_days = serializers.IntegerField(min_value=1, max_value=365, default=30)


class VisitInput(serializers.Serializer):
    visited_on = serializers.DateField()
    summary = serializers.CharField(max_length=5000)
    findings = FindingInput(many=True, required=False)


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitFinding
        fields = ["id", "place", "description", "level", "deadline_days", "hazard"]


class VisitSerializer(serializers.ModelSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertVisit
        fields = [
            "id",
            "assignment",
            "enterprise",
            "visited_on",
            "summary",
            "registered_at",
            "findings",
            "version",
        ]
        read_only_fields = fields


class AssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = ExpertAssignment.objects.order_by("-assigned_on", "-id")
    serializer_class = AssignmentSerializer

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        assignment = self.get_object()
        data = _input(Text, request)
        assignment = services.withdraw_assignment(
            actor=request.user, assignment=assignment, version=data["version"], reason=data["text"]
        )
        return Response(self.get_serializer(assignment).data)

    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        """The assigned expert records a visit with its findings."""
        assignment = _visible(self, pk)
        data = _input(VisitInput, request)
        visit = services.record_visit(actor=request.user, assignment=assignment, **data)
        return Response(VisitSerializer(visit).data, status=201)


class VisitViewSet(ScopedReadOnlyViewSet):
    queryset = ExpertVisit.objects.order_by("-visited_on", "-id")
    serializer_class = VisitSerializer

    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Register the visit's findings as hidden dangers (once each)."""
        visit = _visible(self, pk)
        services.register_findings(actor=request.user, visit=visit)
        visit.refresh_from_db()
        return Response(self.get_serializer(visit).data)


# ---------------------------------------------------------------- catalogue, inventory, matches
class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueEntry
        fields = ["id", *services.ENTRY_FIELDS, "created_at"]
        validators: list = []

    def validate(self, attrs):
        return attrs


class CatalogueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue, every version; administrators add an entry or a version (POST)."""

    queryset = CatalogueEntry.objects.all()
    serializer_class = EntrySerializer

    def perform_create(self, serializer):
        if not self.request.user.roles & CATALOGUE_EDITORS:
            raise NotPermitted(_("Only an administrator changes the catalogue."))
        serializer.instance = services.add_entry(
            actor=self.request.user, **serializer.validated_data
        )


class ItemSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = InventoryItem
        fields = ["id", "enterprise", *services.ITEM_FIELDS, "retired_at", "version"]
        read_only_fields = ["retired_at"]


class MatchInput(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())


class MatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueMatch
        fields = ["id", "enterprise", "item", "entry", "entry_code", "hazard", "matched_at"]
        read_only_fields = fields


class InventoryViewSet(ScopedModelViewSet):
    queryset = InventoryItem.objects.order_by("enterprise_id", "kind", "name", "id")
    serializer_class = ItemSerializer
    filterset_class = InventoryFilter

    def perform_create(self, serializer):
        data, _version = _data(serializer)
        enterprise = data.pop("enterprise")
        if not Enterprise.objects.for_user(self.request.user, "view").filter(pk=enterprise.pk):
            raise serializers.ValidationError({"enterprise": [_("No such enterprise.")]})
        serializer.instance = services.add_item(
            actor=self.request.user, enterprise=enterprise, **data
        )

    def perform_update(self, serializer):
        data, version = _data(serializer)
        data.pop("enterprise", None)
        serializer.instance = services.update_item(
            actor=self.request.user, item=serializer.instance, version=version, **data
        )

    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        item = self.get_object()
        data = _input(Versioned, request)
        item = services.retire_item(actor=request.user, item=item, version=data["version"])
        return Response(self.get_serializer(item).data)

    @action(detail=False, methods=["post"])
    def match(self, request):
        """Match the enterprise's inventory against the catalogue in force: the new matches
        (each with its hidden danger); nothing new on a re-run."""
        data = _input(MatchInput, request)
        created = services.match_inventory(actor=request.user, enterprise=data["enterprise"])
        return Response(MatchSerializer(created, many=True).data, status=201 if created else 200)


class MatchViewSet(ScopedReadOnlyViewSet):
    queryset = CatalogueMatch.objects.order_by("-matched_at", "-id")
    serializer_class = MatchSerializer


# ---------------------------------------------------------------- elimination list
class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]
        read_only_fields = ["done_on"]


class EliminationSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    entry = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueEntry.objects.all(), required=False, allow_null=True
    )
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = EliminationItem
        fields = [
            "id",
            "enterprise",
            "year",
            "capacity",
            "reason",
            "entry",
            "deadline",
            "state",
            "report",
            "verification",
            "milestones",
            "version",
        ]
        read_only_fields = ["state", "report", "verification", "version"]


class MilestoneDone(serializers.Serializer):
    milestone = serializers.IntegerField()
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class EliminationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSetMixin,
):
    queryset = EliminationItem.objects.order_by("state", "deadline", "id")
    serializer_class = EliminationSerializer
    filterset_class = EliminationFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        if not Enterprise.objects.for_user(self.request.user, "view").filter(pk=enterprise.pk):
            raise serializers.ValidationError({"enterprise": [_("No such enterprise.")]})
        serializer.instance = services.list_elimination(
            actor=self.request.user, enterprise=enterprise, **data
        )

    def _move(self, request, pk, func, field):
        item = self.get_object()
        data = _input(Text, request)
        item = func(actor=request.user, item=item, version=data["version"], **{field: data["text"]})
        return Response(self.get_serializer(item).data)

    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._move(request, pk, services.report_elimination, "report")

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._move(request, pk, services.verify_elimination, "verification")

    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._move(request, pk, services.send_back_elimination, "verification")

    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        item = self.get_object()
        serializer = MilestoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.add_milestone(
            actor=request.user, item=item, **serializer.validated_data
        )
        return Response(MilestoneSerializer(milestone).data, status=201)

    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark a milestone done."""
        item = self.get_object()
        data = _input(MilestoneDone, request)
        milestone = item.milestones.filter(pk=as_pk(data.pop("milestone"))).first()
        if milestone is None:
            raise serializers.ValidationError({"milestone": [_("No such milestone.")]})
        milestone = services.complete_milestone(actor=request.user, milestone=milestone, **data)
        return Response(MilestoneSerializer(milestone).data)


# ---------------------------------------------------------------- licence cancellations
class CancellationSerializer(serializers.ModelSerializer):
    licence = serializers.PrimaryKeyRelatedField(queryset=Licence.objects.all())
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta:
        model = LicenceCancellation
        fields = [
            "id",
            "enterprise",
            "licence",
            "lapsed_on",
            "state",
            "notice",
            "decision_number",
            "note",
            "version",
        ]
        read_only_fields = [
            "enterprise",
            "lapsed_on",
            "state",
            "notice",
            "decision_number",
            "version",
        ]
        validators: list = []


class CancellationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSetMixin,
):
    """POST proposes the cancellation of a lapsed licence; `scan/` proposes one for every
    lapsed licence in the user's scope."""

    queryset = LicenceCancellation.objects.order_by("-lapsed_on", "-id")
    serializer_class = CancellationSerializer
    filterset_class = CancellationFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = orders.propose_cancellation(actor=self.request.user, **data)

    def _move(self, request, func, field):
        cancellation = self.get_object()
        data = _input(Text, request)
        cancellation = func(
            actor=request.user,
            cancellation=cancellation,
            version=data["version"],
            **{field: data["text"]},
        )
        return Response(self.get_serializer(cancellation).data)

    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        return self._move(request, orders.notify_cancellation, "notice")

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._move(request, orders.cancel_licence, "decision_number")

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(request, orders.withdraw_cancellation, "note")

    @action(detail=False, methods=["post"])
    def scan(self, request):
        from safeloop.orgs.roles import REGULATORS

        if not request.user.roles & REGULATORS:
            raise NotPermitted()
        return Response({"proposed": orders.scan_lapsed(actor=request.user)})


# ---------------------------------------------------------------- stop-and-rectify orders
class StopSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    scope = serializers.ChoiceField(choices=StopScope.choices, default=StopScope.WHOLE)

    class Meta:
        model = StopOrder
        fields = [
            "id",
            "enterprise",
            "number",
            "issued_on",
            "scope",
            "reason",
            "requirements",
            "state",
            "application",
            "inspected_on",
            "inspection",
            "decision",
            "rounds",
            "version",
        ]
        read_only_fields = [
            "state",
            "application",
            "inspected_on",
            "inspection",
            "decision",
            "rounds",
            "version",
        ]
        validators: list = []


class InspectInput(Versioned):
    passed = serializers.BooleanField()
    inspected_on = serializers.DateField()
    inspection = serializers.CharField(max_length=5000, allow_blank=True)


class DecideInput(Versioned):
    approve = serializers.BooleanField()
    decision = serializers.CharField(max_length=5000, allow_blank=True)


class StopOrderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSetMixin,
):
    queryset = StopOrder.objects.order_by("-issued_on", "-id")
    serializer_class = StopSerializer
    filterset_class = StopFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        if not Enterprise.objects.for_user(self.request.user, "view").filter(pk=enterprise.pk):
            raise serializers.ValidationError({"enterprise": [_("No such enterprise.")]})
        serializer.instance = orders.issue_stop_order(
            actor=self.request.user, enterprise=enterprise, **data
        )

    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        order = self.get_object()
        data = _input(Text, request)
        order = orders.apply_resumption(
            actor=request.user, order=order, version=data["version"], application=data["text"]
        )
        return Response(self.get_serializer(order).data)

    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        order = self.get_object()
        data = _input(InspectInput, request)
        order = orders.inspect_resumption(actor=request.user, order=order, **data)
        return Response(self.get_serializer(order).data)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        order = self.get_object()
        data = _input(DecideInput, request)
        order = orders.decide_resumption(actor=request.user, order=order, **data)
        return Response(self.get_serializer(order).data)

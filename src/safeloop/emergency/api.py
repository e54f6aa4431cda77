"""/api/v1/emergency-…: resources (the duty phone masked for readers who may not see it),
stocks, the nearest search, incidents with their commands, and tasks. No DELETE."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action, api_view
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from safeloop.emergency import duty_services, plan_services, selectors, services
from safeloop.emergency.choices import (
    DrillForm,
    DutyEntryKind,
    DutyPost,
    EntryKind,
    PlanKind,
    ResourceKind,
)
from safeloop.emergency.filters import DrillFilter, IncidentFilter, PlanFilter, ResourceFilter
from safeloop.emergency.import_views import allow_import, run_upload
from safeloop.emergency.models import (
    CommandMember,
    Drill,
    DutyLogEntry,
    DutyShift,
    Incident,
    Plan,
    Resource,
    Stock,
    Task,
)
from safeloop.enterprises.models import Document, Enterprise
from safeloop.orgs.models import Region

VERSION_HELP = _("The version you read; required on updates (409 when it is stale).")


class ResourceSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    duty_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    class Meta:
        model = Resource
        fields = ["id", *services.RESOURCE_FIELDS, "region_code", "confirmed_at", "version"]
        read_only_fields = ["region_code", "confirmed_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["duty_phone"] = selectors.duty_phone(self.context["request"].user, instance)
        return data

    def validate(self, attrs):
        # The model's own rules run in the service, once the owner is placed.
        return attrs


class ResourceViewSet(ScopedModelViewSet):
    queryset = Resource.objects.select_related("region", "enterprise").order_by("kind", "pk")
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.create_resource(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        serializer.instance = services.update_resource(
            actor=self.request.user, resource=serializer.instance, version=version, **data
        )

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "dry_run": {"type": "boolean"},
                },
            }
        },
        responses=None,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_sheet(self, request):
        """Check (`dry_run=true`) or import a spreadsheet of resources (the screen's
        template): 200 with the counts, 400 with every error by row and column, nothing
        written; 403 for a user who may not change resources."""
        allow_import(request.user)
        dry_run = str(request.data.get("dry_run", "")).lower() in ("1", "true", "yes")
        status, outcome = run_upload(request.user, request.FILES.get("file"), apply=not dry_run)
        if status != 200:
            body = {
                "error": {
                    "code": "invalid",
                    "message": outcome.get("message", ""),
                    "fields": {"file": [outcome.get("message", "")]},
                    "rows": outcome.get("errors", []),
                    "error_count": outcome.get("error_count", 0),
                }
            }
            return Response(body, status=status)
        return Response(outcome)


class StockSerializer(serializers.ModelSerializer):
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=10)

    class Meta:
        model = Stock
        fields = ["id", "warehouse", *services.STOCK_FIELDS, "version"]

    def validate(self, attrs):
        return attrs


class StockViewSet(ScopedModelViewSet):
    queryset = Stock.objects.select_related("warehouse", "stock_type").order_by("pk")
    serializer_class = StockSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        warehouse = data.pop("warehouse")
        serializer.instance = services.add_stock(
            actor=self.request.user, warehouse=warehouse, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("warehouse", None)
        serializer.instance = services.update_stock(
            actor=self.request.user, stock=serializer.instance, version=version, **data
        )


class NearestQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    enterprise = serializers.IntegerField(required=False, help_text=_("From its location."))
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    n = serializers.IntegerField(min_value=1, max_value=50, default=5)

    def validate(self, attrs):
        # The screen's form decides the same way (one rule for both).
        from safeloop.emergency.forms import NearestForm

        form = NearestForm(attrs, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return form.query()


@extend_schema(parameters=[NearestQuery])
@api_view(["GET"])
def nearest(request):
    """The reader's N nearest available resources of a kind, with the distance in km."""
    query = NearestQuery(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    found = selectors.nearest_for(request.user, **query.validated_data)
    return Response(
        [
            {
                "id": r.pk,
                "name": r.name,
                "kind": r.kind,
                "distance_km": round(r.distance_km, 3),
                "latitude": r.latitude,
                "longitude": r.longitude,
                "duty_phone": selectors.duty_phone(request.user, r),
            }
            for r in found
        ]
    )


class IncidentSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    report = serializers.CharField(required=False, allow_blank=True, write_only=True)
    allowed_moves = serializers.SerializerMethodField()
    roster = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "accident",
            "enterprise",
            "region",
            "region_code",
            "place",
            "latitude",
            "longitude",
            "grade",
            "level",
            "commander",
            "state",
            "opened_at",
            "closed_at",
            "summary",
            "lessons",
            "version",
            "report",
            "allowed_moves",
            "roster",
        ]
        read_only_fields = ["level", "state", "opened_at", "closed_at", "summary", "lessons"]

    def get_allowed_moves(self, incident) -> list[str]:
        return services.incident_moves(incident, self.context["request"].user)

    def get_roster(self, incident) -> list[dict]:
        return MemberSerializer(incident.roster.all(), many=True).data

    def validate(self, attrs):
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommandMember
        fields = ["id", "post", "name", "unit", "phone", "added_at", "stood_down_at"]
        read_only_fields = ["id", "added_at", "stood_down_at"]


class StandDownBody(serializers.Serializer):
    member = serializers.IntegerField()


class LogBody(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[EntryKind.REPORT, EntryKind.DECISION, EntryKind.MESSAGE]
    )
    text = serializers.CharField(max_length=4000)


class EscalateBody(serializers.Serializer):
    version = serializers.IntegerField()
    to_commander = serializers.CharField(max_length=50)
    reason = serializers.CharField(max_length=2000)


class DispatchBody(serializers.Serializer):
    resource = serializers.IntegerField()
    instruction = serializers.CharField(max_length=300)


class CloseBody(serializers.Serializer):
    version = serializers.IntegerField()
    summary = serializers.CharField(max_length=8000)
    lessons = serializers.CharField(max_length=8000, required=False, allow_blank=True)


class TaskSerializer(serializers.ModelSerializer):
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "incident",
            "resource",
            "instruction",
            "distance_km",
            "state",
            "dispatched_at",
            "moved_at",
            "version",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_allowed_moves(self, task) -> list[str]:
        return services.task_moves(task, self.context["request"].user)


class IncidentViewSet(ScopedModelViewSet):
    queryset = Incident.objects.select_related("region").order_by("-opened_at", "-pk")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.open_incident(actor=self.request.user, **data)

    def _run(self, body_class, func, **extra):
        incident = self.get_object()
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return func(actor=self.request.user, incident=incident, **body.validated_data, **extra)

    @extend_schema(request=LogBody, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        self._run(LogBody, services.log)
        return Response(self.get_serializer(self.get_object()).data, status=201)

    @extend_schema(request=MemberSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def roster(self, request, pk=None):
        """Put someone on the command roster (201)."""
        member = self._run(MemberSerializer, services.add_member)
        return Response(MemberSerializer(member).data, status=201)

    @extend_schema(request=StandDownBody, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def stand_down(self, request, pk=None):
        """Take someone off the command roster (kept, with the time; 409 when already off)."""
        incident = self.get_object()
        body = StandDownBody(data=request.data)
        body.is_valid(raise_exception=True)
        member = CommandMember(pk=body.validated_data["member"], incident=incident)
        member = services.stand_down(actor=request.user, member=member)
        return Response(MemberSerializer(member).data)

    @extend_schema(request=EscalateBody, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return Response(self.get_serializer(self._run(EscalateBody, services.escalate)).data)

    @extend_schema(request=DispatchBody, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def dispatch_resource(self, request, pk=None):
        incident = self.get_object()
        body = DispatchBody(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.dispatch(
            actor=request.user,
            incident=incident,
            resource=Resource(pk=body.validated_data["resource"]),
            instruction=body.validated_data["instruction"],
        )
        return Response(TaskSerializer(task, context={"request": request}).data, status=201)

    @extend_schema(request=CloseBody, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(self.get_serializer(self._run(CloseBody, services.close)).data)


class MoveBody(serializers.Serializer):
    move = serializers.ChoiceField(choices=list(services.TASK_MOVES))
    version = serializers.IntegerField()


class TaskViewSet(ScopedReadOnlyViewSet):
    queryset = Task.objects.select_related("incident", "resource").order_by("pk")
    serializer_class = TaskSerializer

    @extend_schema(request=MoveBody, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        task = self.get_object()
        body = MoveBody(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.move_task(actor=request.user, task=task, **body.validated_data)
        return Response(self.get_serializer(task).data)


# Plans and drills -----------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "enterprise",
            "kind",
            "title",
            "document",
            "state",
            "revision",
            "submitted_at",
            "change_reason",
            "opinion",
            "reviewed_at",
            "filing_number",
            "filed_on",
            "revise_by",
            "version",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_allowed_moves(self, plan) -> list[str]:
        return plan_services.plan_moves(plan, self.context["request"].user)


class PlanBody(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    title = serializers.CharField(max_length=150)
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())

    def validate_enterprise(self, enterprise):
        user = self.context["request"].user
        if not Enterprise.objects.for_user(user, "change").filter(pk=enterprise.pk).exists():
            raise serializers.ValidationError(
                _("Select a valid choice. That choice is not one of the available choices.")
            )
        return enterprise


class ReviewBody(serializers.Serializer):
    version = serializers.IntegerField()
    opinion = serializers.CharField(max_length=4000)


class ReviseBody(serializers.Serializer):
    version = serializers.IntegerField()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    change_reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class PlanViewSet(ScopedReadOnlyViewSet):
    queryset = Plan.objects.select_related("enterprise").order_by("pk")
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=PlanBody, responses=PlanSerializer)
    def create(self, request):
        body = PlanBody(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        plan = plan_services.submit_plan(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(plan).data, status=201)

    def _run(self, body_class, func):
        plan = self.get_object()
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        plan = func(actor=self.request.user, plan=plan, **body.validated_data)
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=ReviewBody, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_plan(self, request, pk=None):
        return self._run(ReviewBody, plan_services.file_plan)

    @extend_schema(request=ReviewBody, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        return self._run(ReviewBody, plan_services.return_plan)

    @extend_schema(request=ReviseBody, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._run(ReviseBody, plan_services.resubmit_plan)

    @extend_schema(request=ReviseBody, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._run(ReviseBody, plan_services.revise_plan)


class DrillSerializer(serializers.ModelSerializer):
    allowed_moves = serializers.SerializerMethodField()
    improvements = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = [
            "id",
            "enterprise",
            "plan",
            "scenario",
            "mode",
            "planned_on",
            "held_on",
            "participants",
            "participants_note",
            "evaluation",
            "state",
            "cancel_reason",
            "improvements",
            "version",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_allowed_moves(self, drill) -> list[str]:
        return plan_services.drill_moves(drill, self.context["request"].user)

    def get_improvements(self, drill) -> list[dict]:
        return [{"text": i.text, "hazard": i.hazard_id} for i in drill.improvements.all()]


class DrillBody(serializers.Serializer):
    plan = serializers.IntegerField()
    scenario = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=DrillForm.choices)
    planned_on = serializers.DateField()


class HoldBody(serializers.Serializer):
    version = serializers.IntegerField()
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=1, max_value=100000)
    participants_note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class EvaluateBody(serializers.Serializer):
    version = serializers.IntegerField()
    evaluation = serializers.CharField(max_length=8000)
    improvements = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=50
    )
    deadline = serializers.DateField(required=False, allow_null=True)


class CancelBody(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class DrillViewSet(ScopedReadOnlyViewSet):
    queryset = Drill.objects.select_related("enterprise", "plan").order_by("pk")
    serializer_class = DrillSerializer
    filterset_class = DrillFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=DrillBody, responses=DrillSerializer)
    def create(self, request):
        body = DrillBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["plan"] = Plan(pk=data["plan"])
        plan = Plan.objects.for_user(request.user, "view").filter(pk=data["plan"].pk).first()
        if plan is None:
            raise serializers.ValidationError(
                {
                    "plan": [
                        _("Select a valid choice. That choice is not one of the available choices.")
                    ]
                }
            )
        data["plan"] = plan
        drill = plan_services.plan_drill(actor=request.user, **data)
        return Response(self.get_serializer(drill).data, status=201)

    def _run(self, body_class, func):
        drill = self.get_object()
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        drill = func(actor=self.request.user, drill=drill, **body.validated_data)
        return Response(self.get_serializer(drill).data)

    @extend_schema(request=HoldBody, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._run(HoldBody, plan_services.hold_drill)

    @extend_schema(request=EvaluateBody, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        return self._run(EvaluateBody, plan_services.evaluate_drill)

    @extend_schema(request=CancelBody, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._run(CancelBody, plan_services.cancel_drill)


# Duty roster and log --------------------------------------------------------------------


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyShift
        fields = [
            "id",
            "region",
            "region_code",
            "post",
            "person",
            "phone",
            "starts_at",
            "ends_at",
            "note",
            "cancelled",
            "version",
        ]
        read_only_fields = ["region_code", "cancelled", "version"]


class ShiftBody(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    post = serializers.ChoiceField(choices=DutyPost.choices)
    person = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    phone = serializers.CharField(max_length=30)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class VersionBody(serializers.Serializer):
    version = serializers.IntegerField()


class DutyShiftViewSet(ScopedReadOnlyViewSet):
    queryset = DutyShift.objects.select_related("region", "person").order_by("starts_at", "pk")
    serializer_class = ShiftSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ShiftBody, responses=ShiftSerializer)
    def create(self, request):
        body = ShiftBody(data=request.data)
        body.is_valid(raise_exception=True)
        shift = duty_services.add_shift(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(shift).data, status=201)

    @extend_schema(request=VersionBody, responses=ShiftSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        shift = self.get_object()
        body = VersionBody(data=request.data)
        body.is_valid(raise_exception=True)
        shift = duty_services.cancel_shift(actor=request.user, shift=shift, **body.validated_data)
        return Response(self.get_serializer(shift).data)


class DutyLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyLogEntry
        fields = ["id", "region", "region_code", "at", "kind", "text", "incident", "author_label"]
        read_only_fields = fields


class DutyLogBody(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    kind = serializers.ChoiceField(
        choices=[c for c in DutyEntryKind.choices if c[0] != DutyEntryKind.INCIDENT]
    )
    text = serializers.CharField(max_length=4000)


class DutyLogViewSet(ScopedReadOnlyViewSet):
    queryset = DutyLogEntry.objects.select_related("region").order_by("-at", "-pk")
    serializer_class = DutyLogSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=DutyLogBody, responses=DutyLogSerializer)
    def create(self, request):
        body = DutyLogBody(data=request.data)
        body.is_valid(raise_exception=True)
        entry = duty_services.log_duty(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(entry).data, status=201)

"""Self-checks over the API: tasks (scoped list/detail, and recording one), records, the
completion table and job runs with their progress."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from safeloop.core.pagination import ExactPageNumberPagination
from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category, Level
from safeloop.selfchecks import selectors, services, standings, tasks
from safeloop.selfchecks.choices import HazardAction, Result, RunKind
from safeloop.selfchecks.filters import TaskFilter
from safeloop.selfchecks.models import JobRun, SelfCheckPhoto, SelfCheckRecord, SelfCheckTask
from safeloop.selfchecks.views import may_see_runs, may_start_runs, period_form


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SelfCheckPhoto
        fields = ["id", "taken_at", "width", "height", "sha256", "url"]

    def get_url(self, photo) -> str:
        return f"/selfchecks/tasks/{photo.record.task_id}/photos/{photo.pk}/"


class RecordSerializer(serializers.ModelSerializer):
    photos = PhotoSerializer(many=True, read_only=True)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = SelfCheckRecord
        fields = [
            "id",
            "task",
            "enterprise",
            "result",
            "note",
            "hazard_action",
            "hazard",
            "recorded_by",
            "recorded_at",
            "photos",
        ]


class TaskSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    risk_point_name = serializers.CharField(source="risk_point.name", read_only=True)
    measure_description = serializers.CharField(source="measure.description", read_only=True)
    assignee_name = serializers.StringRelatedField(source="assignee")

    class Meta:
        model = SelfCheckTask
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region_code",
            "risk_point",
            "risk_point_name",
            "measure",
            "measure_description",
            "frequency",
            "period",
            "period_start",
            "period_end",
            "due_date",
            "assignee",
            "assignee_name",
            "responsible_name",
            "state",
            "version",
        ]


class RecordInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(Result.choices)
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=services.MAX_PHOTOS
    )
    hazard_action = serializers.ChoiceField(HazardAction.choices, required=False)
    category = serializers.ChoiceField(Category.choices, required=False)
    level = serializers.ChoiceField(Level.choices, required=False)
    deadline = serializers.DateField(required=False)
    deadline_working_days = serializers.IntegerField(required=False, min_value=1, max_value=999)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = SelfCheckTask.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["due_date", "period_start"]

    def get_queryset(self):
        return (
            selectors.tasks_for(self.request.user)
            .select_related("enterprise", "risk_point", "measure", "assignee")
            .order_by("-due_date", "-id")
        )

    @extend_schema(request=RecordInputSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def record(self, request, pk=None):
        """Record the task done (排查记录): normal, or abnormal with the hidden danger's
        handling (register with a deadline, or fixed on the spot with the evidence).
        Multipart carries photos; JSON carries none."""
        task = get_for_user_or_404(selectors.tasks_for(request.user), request.user, pk)
        data = request.data
        if hasattr(data, "getlist"):  # multipart: several photos under one name
            data = {**data.dict(), "photos": data.getlist("photos")}
            data = {k: v for k, v in data.items() if v not in ("", [])}
        serializer = RecordInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        record = services.record_task(task=task, actor=request.user, **serializer.validated_data)
        return Response(RecordSerializer(record).data, status=201)


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = SelfCheckRecord.objects.all()
    serializer_class = RecordSerializer
    filterset_fields = ["result", "enterprise", "task"]

    def get_queryset(self):
        return (
            selectors.records_for(self.request.user)
            .select_related("recorded_by")
            .prefetch_related("photos__record")
            .order_by("-recorded_at", "-id")
        )


class CompletionRowSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    name = serializers.CharField()
    county = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    missed = serializers.IntegerField()
    pending = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    last_record = serializers.DateField(allow_null=True)


@extend_schema(
    parameters=[
        OpenApiParameter("start", str, description="first due day (YYYY-MM-DD)"),
        OpenApiParameter("end", str, description="last due day (YYYY-MM-DD)"),
    ],
)
class CompletionView(generics.ListAPIView):
    """Share of self-check tasks done per enterprise in the caller's scope (regulators),
    for tasks due between start and end (default: this month so far), worst first, paged."""

    serializer_class = CompletionRowSerializer
    pagination_class = ExactPageNumberPagination
    filter_backends: list = []

    def get_queryset(self):
        if not selectors.may_supervise(self.request.user):
            raise exceptions.PermissionDenied()
        form = period_form(self.request.GET)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise exceptions.ValidationError(
                {k: [e["message"] for e in v] for k, v in errors.items()}
            )
        data = form.cleaned_data
        enterprises = Enterprise.objects.for_user(self.request.user)
        return standings.Table(enterprises, data["start"], data["end"])


completion = CompletionView.as_view()


class RunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = JobRun
        fields = [
            "id",
            "kind",
            "day",
            "status",
            "total",
            "done",
            "created",
            "percent",
            "seconds",
            "calendar_fell_back",
            "queued_at",
            "started_at",
            "finished_at",
            "message",
        ]
        read_only_fields = [f for f in fields if f not in ("kind", "day")]


class RunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Job runs with their progress (administrators); the system administrator may queue
    one (POST kind, day)."""

    queryset = JobRun.objects.all()
    serializer_class = RunSerializer
    filterset_fields = ["kind", "status", "day"]

    def get_queryset(self):
        if not may_see_runs(self.request.user):
            return JobRun.objects.none()
        return JobRun.objects.order_by("-queued_at", "-id")

    def perform_create(self, serializer):
        if not may_start_runs(self.request.user):
            raise exceptions.PermissionDenied()
        data = serializer.validated_data
        if data["kind"] not in RunKind.values:
            raise exceptions.ValidationError({"kind": ["unknown job"]})
        serializer.instance = tasks.start(data["kind"], data["day"], requested_by=self.request.user)

"""/api/v1/responsibility-lists/, /api/v1/list-signatories/, /api/v1/duty-templates/,
/api/v1/department-duties/: the same services as the screens, the same statuses. Nothing is
edited or deleted: a list is replaced by issuing a newer one."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.api import ScopedViewSetMixin
from safeloop.duties import services
from safeloop.duties.models import DepartmentDuty, DutyTemplate, ResponsibilityList, Signatory
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, User


class ListSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    items = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    issued_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ResponsibilityList
        fields = ["id", "enterprise", "kind", "post", "items", "template", "issued_on"]
        fields += ["retired_at", "version"]
        read_only_fields = ["template", "retired_at", "version"]

    def validate(self, attrs):
        return attrs  # the service's rules


class CreateOnly(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
):
    pass


class ListViewSet(CreateOnly):
    """Responsibility lists in the reader's scope; POST issues one (the enterprise's staff)."""

    queryset = ResponsibilityList.objects.order_by("enterprise_id", "kind", "post", "-id")
    serializer_class = ListSerializer

    def perform_create(self, serializer):
        serializer.instance = services.issue_list(
            actor=self.request.user, **serializer.validated_data
        )


class SignatorySerializer(serializers.ModelSerializer):
    rlist = serializers.PrimaryKeyRelatedField(queryset=ResponsibilityList.objects.all())
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Signatory
        fields = ["id", "rlist", "person_name", "post_name", "user", "acknowledged_at"]
        fields += ["on_paper"]
        read_only_fields = ["acknowledged_at", "on_paper"]


class SignatoryViewSet(CreateOnly):
    """The people a list binds; POST adds one (staff), POST …/acknowledge/ acknowledges."""

    queryset = Signatory.objects.order_by("rlist_id", "id")
    serializer_class = SignatorySerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_signatory(
            actor=self.request.user, **serializer.validated_data
        )

    def get_object(self):
        # acknowledging is decided by the service (the person themselves, or staff for paper)
        return viewsets.GenericViewSet.get_object(self)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        signatory = services.acknowledge(actor=request.user, signatory=self.get_object())
        return Response(self.get_serializer(signatory).data)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyTemplate
        fields = ["id", *services.TEMPLATE_FIELDS, "created_at"]
        validators: list = []

    def validate(self, attrs):
        return attrs


class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Templates per sector, every version; administrators add a version (POST)."""

    queryset = DutyTemplate.objects.all()
    serializer_class = TemplateSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_template(
            actor=self.request.user, **serializer.validated_data
        )


class DepartmentDutySerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    effective_from = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = DepartmentDuty
        fields = ["id", "department", "kind", "position", "person_name", "duties"]
        fields += ["effective_from", "retired_at"]
        read_only_fields = ["retired_at"]


class DepartmentDutyViewSet(CreateOnly):
    """Departments' duty lists in the reader's scope; administrators add one (POST)."""

    queryset = DepartmentDuty.objects.order_by("department_id", "position", "-id")
    serializer_class = DepartmentDutySerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_department_duty(
            actor=self.request.user, **serializer.validated_data
        )

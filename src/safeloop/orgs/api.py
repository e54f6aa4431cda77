from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.orgs.models import Department, GridCell, Park, Region, RoleAssignment, User
from safeloop.orgs.units import create_unit, update_unit


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class ParkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "name", "region", "region_code", "level", "note", "verified", "version"]
        read_only_fields = ["region_code", "version"]


class GridCellSerializer(serializers.ModelSerializer):
    inspectors = serializers.SerializerMethodField()

    class Meta:
        model = GridCell
        fields = ["id", "code", "name", "region", "region_code", "park", "inspectors", "version"]
        read_only_fields = ["region_code", "version"]

    def get_inspectors(self, cell) -> list[str]:
        return [str(u) for u in cell.inspectors]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region", "region_code", "park", "version"]
        read_only_fields = ["region_code", "version"]


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class VersionedUnitViewSet(ScopedModelViewSet):
    """Parks, grid cells and departments, through the services the screens use
    (orgs.units): an update names the version it read (409 stale, 400 missing) and does not
    move the unit to another county while records hang below it."""

    def perform_create(self, serializer):
        model = serializer.Meta.model
        serializer.instance = create_unit(
            actor=self.request.user, model=model, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        serializer.instance = update_unit(
            actor=self.request.user,
            model=type(instance),
            pk=instance.pk,
            data=dict(serializer.validated_data),
            version=self.request.data.get("version"),
        )


class ParkViewSet(VersionedUnitViewSet):
    queryset = Park.objects.select_related("region").order_by("region_code", "name")
    serializer_class = ParkSerializer
    filterset_fields = ["region", "level"]


class GridCellViewSet(VersionedUnitViewSet):
    queryset = GridCell.objects.order_by("code")
    serializer_class = GridCellSerializer
    filterset_fields = ["region", "park"]


class DepartmentViewSet(VersionedUnitViewSet):
    queryset = Department.objects.order_by("region_code", "kind", "name")
    serializer_class = DepartmentSerializer
    filterset_fields = ["region", "park", "kind"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = ["role", "unit", "region_code"]

    def get_unit(self, assignment) -> str:
        return str(assignment.unit or "")


class MeSerializer(serializers.ModelSerializer):
    roles = RoleAssignmentSerializer(source="role_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "mobile", "roles"]


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user and the roles they hold."""
    return Response(MeSerializer(request.user).data)

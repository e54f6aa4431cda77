from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.orgs.models import GridCell, Park, Region, RoleAssignment, User


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class ParkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "name", "region", "region_code", "level", "note", "verified"]
        read_only_fields = ["region_code"]


class GridCellSerializer(serializers.ModelSerializer):
    inspectors = serializers.SerializerMethodField()

    class Meta:
        model = GridCell
        fields = ["id", "code", "name", "region", "region_code", "park", "inspectors"]
        read_only_fields = ["region_code"]

    def get_inspectors(self, cell) -> list[str]:
        return [str(u) for u in cell.inspectors]


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class ParkViewSet(ScopedModelViewSet):
    queryset = Park.objects.select_related("region").order_by("region_code", "name")
    serializer_class = ParkSerializer
    filterset_fields = ["region", "level"]


class GridCellViewSet(ScopedModelViewSet):
    queryset = GridCell.objects.order_by("code")
    serializer_class = GridCellSerializer
    filterset_fields = ["region", "park"]


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

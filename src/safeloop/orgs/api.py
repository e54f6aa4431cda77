from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from safeloop.core.api import ScopedModelViewSet
from safeloop.core.scoping import ensure_in_scope
from safeloop.core.services import bump
from safeloop.orgs.models import GridCell, Park, Region, RoleAssignment, User
from safeloop.orgs.units import check_move, require_version


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


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class VersionedUnitViewSet(ScopedModelViewSet):
    """Parks and grid cells: an update names the version it read (409 stale, 400 missing)
    and does not move the unit to another county while records hang below it."""

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        instance = serializer.instance
        current = type(instance).objects.select_for_update().get(pk=instance.pk)
        require_version(current, self.request.data.get("version"))
        before_region = current.region_id
        instance.version = current.version
        bump(instance)
        instance = serializer.save()
        ensure_in_scope(self.request.user, self.write_action, instance)  # 403 first
        check_move(before_region, instance)
        instance.full_clean()


class ParkViewSet(VersionedUnitViewSet):
    queryset = Park.objects.select_related("region").order_by("region_code", "name")
    serializer_class = ParkSerializer
    filterset_fields = ["region", "level"]


class GridCellViewSet(VersionedUnitViewSet):
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

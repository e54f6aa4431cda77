"""The Django admin is for system administrators (is_staff): org units, accounts and roles.
Saves go through the same audited models as everywhere else."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from safeloop.core.services import bump
from safeloop.orgs.models import Department, GridCell, Park, Region, RoleAssignment, User


class NoDeleteAdmin(admin.ModelAdmin):
    """Org units are referenced by regulated records: they are never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class UnitAdmin(NoDeleteAdmin):
    """A park, grid cell or department moves to another county on the organisation screens
    only (orgs.units checks what hangs below it): its region is read-only here, and a save
    here bumps the version like any other edit."""

    def get_readonly_fields(self, request, obj=None):
        return ["region", *super().get_readonly_fields(request, obj)] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            bump(obj)
        super().save_model(request, obj, form, change)


@admin.register(Park)
class ParkAdmin(UnitAdmin):
    list_display = ["name", "region", "level", "verified"]
    list_filter = ["level", "verified", "region"]
    search_fields = ["name"]


@admin.register(GridCell)
class GridCellAdmin(UnitAdmin):
    list_display = ["code", "name", "region", "park"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(UnitAdmin):
    list_display = ["name", "kind", "region", "park"]
    list_filter = ["kind"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "region", "park", "grid", "enterprise", "active"]
    raw_id_fields = ["enterprise"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "department", "is_active"]
    search_fields = ["username", "full_name", "mobile"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("SafeLoop"), {"fields": ["full_name", "mobile", "department"]}),
    ]
    inlines = [RoleAssignmentInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate accounts instead: audit entries point at them

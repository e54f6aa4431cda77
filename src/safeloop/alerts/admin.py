"""Warning rules are edited here by an administrator (each edit is audited); warnings
themselves change only through the services, so they are read-only here."""

from django.contrib import admin

from safeloop.alerts.models import EarlyWarning, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "enabled", "params", "audience", "source", "updated_at")
    list_editable = ("enabled",)
    readonly_fields = ("code", "updated_at")

    def has_add_permission(self, request):
        return False  # one row per rule the code can evaluate, loaded by migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EarlyWarning)
class EarlyWarningAdmin(admin.ModelAdmin):
    list_display = ("rule", "subject_label", "state", "region_code", "raised_at")
    list_filter = ("rule", "state")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

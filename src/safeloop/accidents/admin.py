"""Administrators edit the grading and reporting rules; accident records are read here
and written through the services (screens and API)."""

from django.contrib import admin

from safeloop.accidents import models as m


@admin.register(m.GradeThreshold)
class GradeThresholdAdmin(admin.ModelAdmin):
    list_display = [
        "grade",
        "effective_from",
        "rank",
        "min_deaths",
        "min_serious_injuries",
        "min_direct_loss",
        "source",
    ]
    list_filter = ["effective_from"]


@admin.register(m.ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["report_within_minutes", "effective_from", "source"]


@admin.register(m.Accident)
class AccidentAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "occurred_at", "grade", "deaths", "state"]
    list_filter = ["grade", "state"]
    search_fields = ["enterprise__name", "place"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Rule tables are edited here by an administrator; each shows its source and confidence.
Risk records themselves are written through the services (UI and API), so they are read-only
here."""

from django.contrib import admin

from safeloop.risks import models as m

SOURCED = ("source", "confidence")


class SourcedAdmin(admin.ModelAdmin):
    list_filter = ("confidence",)


@admin.register(m.AccidentTypeCodeSet)
class AccidentTypeCodeSetAdmin(SourcedAdmin):
    list_display = ("code", "name", "effective_from", "is_current", *SOURCED)


@admin.register(m.AccidentType)
class AccidentTypeAdmin(SourcedAdmin):
    list_display = ("code", "name", "code_set", *SOURCED)
    list_filter = ("code_set", "confidence")
    search_fields = ("code", "name")


@admin.register(m.LecValue)
class LecValueAdmin(SourcedAdmin):
    list_display = ("factor", "value", "label", *SOURCED)


@admin.register(m.LsValue)
class LsValueAdmin(SourcedAdmin):
    list_display = ("factor", "value", "label", *SOURCED)


@admin.register(m.GradingScheme)
class GradingSchemeAdmin(SourcedAdmin):
    list_display = ("code", "name", "is_active", *SOURCED)


@admin.register(m.HazardCategory)
class HazardCategoryAdmin(SourcedAdmin):
    list_display = ("code", "name", "critical_quantity", "beta", *SOURCED)


@admin.register(m.HazardousSubstance)
class HazardousSubstanceAdmin(SourcedAdmin):
    list_display = ("name", "cas", "critical_quantity", "beta", "category", *SOURCED)
    search_fields = ("name", "cas")


@admin.register(m.AlphaBand)
class AlphaBandAdmin(SourcedAdmin):
    list_display = ("min_people", "max_people", "alpha", *SOURCED)


@admin.register(m.HazardGradeBand)
class HazardGradeBandAdmin(SourcedAdmin):
    list_display = ("grade", "r_min", *SOURCED)

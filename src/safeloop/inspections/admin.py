"""The criteria library, checklists, applicability rules and the targeting policy are edited
here by an administrator. Plans, visits and results are written through the services."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.inspections import models as m
from safeloop.inspections import selectors, services


class CriterionInline(admin.TabularInline):
    model = m.Criterion
    fields = ("article", "item", "area", "text", "verified", "revision", "superseded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.CriteriaStandard)
class CriteriaStandardAdmin(admin.ModelAdmin):
    list_display = ("title", "document", "effective_from", "retired_on", "in_force")
    inlines = [CriterionInline]
    actions = ["retire"]

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, obj):
        return obj.in_force

    @admin.action(description=_("Retire the selected standards today"))
    def retire(self, request, queryset):
        for standard in queryset.filter(retired_on__isnull=True):
            standard.retired_on = timezone.localdate()
            standard.save(action="inspections.criteriastandard.retire")
            standard.checklists.update(active=False)

    def has_delete_permission(self, request, obj=None):
        return False  # records made under a standard keep pointing at it


@admin.register(m.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """Editing an item that a result cites saves a new revision instead: what was found
    under the old wording stays as it was."""

    list_display = ("__str__", "standard", "area", "verified", "revision", "superseded_by")
    list_filter = ("standard", "area", "verified")
    search_fields = ("text", "article")
    readonly_fields = ("revision", "superseded_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.superseded_by_id:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change and selectors.criterion_is_cited(obj):
            new = services.revise_criterion(
                criterion=obj,
                text=obj.text,
                verified=obj.verified,
                source_note=obj.source_note,
                actor=request.user,
            )
            messages.info(
                request,
                _("Saved as revision %(n)d; the old one stays for its records.")
                % {"n": new.revision},
            )
            return
        super().save_model(request, obj, form, change)
        if change and obj.text.strip():
            # a filled-in placeholder becomes a live checklist item
            obj.checklist_items.update(active=True, text=obj.text)


class ChecklistItemInline(admin.TabularInline):
    model = m.ChecklistItem
    fields = ("order", "text", "basis", "clause", "category", "is_major", "criterion", "active")
    raw_id_fields = ("criterion",)
    extra = 0
    can_delete = False


class RuleInline(admin.TabularInline):
    model = m.ApplicabilityRule
    fields = ("everyone", "sector", "feature", "source")
    extra = 0


@admin.register(m.Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "standard", "department", "enterprise", "active")
    list_filter = ("kind", "active", "standard")
    raw_id_fields = ("enterprise",)
    inlines = [ChecklistItemInline, RuleInline]

    def has_delete_permission(self, request, obj=None):
        return False


class FrequencyInline(admin.TabularInline):
    """Frequencies are given with a new policy version, never changed on a saved one."""

    model = m.RiskFrequency
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None and super().has_delete_permission(request, obj)


@admin.register(m.TargetingPolicy)
class TargetingPolicyAdmin(admin.ModelAdmin):
    """Add and view only: a change is a new version (also on /inspections/policy/), so a
    plan's recorded policy keeps meaning what it meant."""

    list_display = (
        "effective_from",
        "source",
        "coverage_cycle_months",
        "credit_factor_a",
        "credit_factor_b",
        "credit_factor_c",
        "credit_factor_d",
    )
    inlines = [FrequencyInline]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

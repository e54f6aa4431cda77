"""The hidden-danger policy is data an administrator adds to, never rewrites: each change is
a new policy with its own effective date and source (add-only, like the inspection targeting
policy), so what applied to a hazard at any time stays on record. Hazards themselves change
only through the services; they are not edited here."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.hazards.models import HazardPolicy

EDITABLE = [
    "listing_level",
    "general_max_extensions",
    "major_extension_notice_working_days",
    "reminder_working_days",
    "max_deadline_days",
    "escalation",
]


@admin.register(HazardPolicy)
class HazardPolicyAdmin(admin.ModelAdmin):
    """Add a new version of the policy; the existing ones are read-only and never deleted.
    A new policy starts from the values of the one in effect today."""

    list_display = (
        "effective_from",
        "source",
        "listing_level",
        "general_max_extensions",
        "in_effect",
    )
    fields = ["effective_from", "source", *EDITABLE]

    def has_change_permission(self, request, obj=None):
        # the list and each policy stay viewable; a saved policy is never rewritten
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        current = HazardPolicy.current()
        initial = {name: getattr(current, name) for name in EDITABLE}
        initial["effective_from"] = timezone.localdate()
        return {**initial, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    @admin.display(boolean=True, description=_("in effect"))
    def in_effect(self, obj) -> bool:
        return obj.pk == HazardPolicy.current().pk

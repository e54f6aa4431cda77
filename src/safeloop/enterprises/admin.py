from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from safeloop.enterprises.models import SectorRule


@admin.register(SectorRule)
class SectorRuleAdmin(admin.ModelAdmin):
    """The GB/T 4754 → sector mapping. Rules tagged partial or unconfirmed await checking
    against the official text; the longest matching prefix wins."""

    list_display = ["code_prefix", "sector", "confidence", "edition", "source", "note"]
    list_filter = ["edition", "sector", "confidence"]
    search_fields = ["code_prefix", "note"]
    ordering = ["edition", "code_prefix"]
    fieldsets = [
        (
            _("Rule"),
            {
                "fields": ["edition", "code_prefix", "sector"],
                "description": _(
                    "The longest matching prefix wins: 30 → building materials with 305 → "
                    "other means division 30 except group 305. A change applies to enterprises "
                    "saved afterwards."
                ),
            },
        ),
        (_("Provenance"), {"fields": ["source", "confidence", "note"]}),
    ]

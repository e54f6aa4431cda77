"""Core rules an administrator keeps as data. A calendar override is added, never edited or
deleted: a deadline counted under it stays explainable, and a correction is a new override
for another day (or, for the same day, a note on why the old one stands)."""

from django.contrib import admin
from django.http import HttpRequest

from safeloop.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Add and view only. Saving a row forgets the remembered overrides of this process at
    once (core.rulecache, connected in core.apps), so the next deadline counts with it."""

    list_display = ("day", "is_workday", "note", "source")
    list_filter = ("is_workday",)
    search_fields = ("note", "source")
    date_hierarchy = "day"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

from django.contrib import admin

from safeloop.selfchecks.models import ScheduleRule


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(admin.ModelAdmin):
    """Schedule rules are data: add a rule with a later `effective from` to change one; the
    tasks already made keep the rule that made them."""

    list_display = ("frequency", "effective_from", "period", "due_day", "non_working_day", "source")
    list_filter = ("frequency", "period")

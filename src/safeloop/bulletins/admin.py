from django.contrib import admin

from safeloop.bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    """Read-only: bulletins are made by the job or a regulator's "generate"."""

    list_display = ("title", "region_code", "month", "generated_at", "generations")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safeloop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from safeloop.core import rulecache, text
        from safeloop.core.models import CalendarOverride
        from safeloop.core.retention import on_post_migrate

        rulecache.forget_on_change(CalendarOverride, "calendar-overrides")
        # the database's audit retention follows SAFELOOP_AUDIT_RETENTION_DAYS
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="core-audit-retention")
        text.install()  # control characters are refused by every text input
        # every app's lifecycles join the registry (core.workflow.REGISTRY)
        autodiscover_modules("workflow")

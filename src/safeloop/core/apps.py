from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safeloop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from safeloop.core import rulecache, text
        from safeloop.core.models import CalendarOverride

        rulecache.forget_on_change(CalendarOverride, "calendar-overrides")
        text.install()  # control characters are refused by every text input
        # every app's lifecycles join the registry (core.workflow.REGISTRY)
        autodiscover_modules("workflow")

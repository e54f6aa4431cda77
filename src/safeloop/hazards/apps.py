from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safeloop.hazards"
    label = "hazards"
    verbose_name = _("Hidden dangers")

    def ready(self):
        from safeloop.core import rulecache
        from safeloop.hazards import (
            record_documents,  # noqa: F401 — its documents on record pages
            signals,  # noqa: F401 — hazards follow their enterprise
        )
        from safeloop.hazards.models import HazardPolicy

        rulecache.forget_on_change(HazardPolicy, "hazard-policies")

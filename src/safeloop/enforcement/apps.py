from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "safeloop.enforcement"
    verbose_name = _("Enforcement and accountability")

    def ready(self):
        # its documents on record pages (core.record_documents)
        from safeloop.enforcement import record_documents  # noqa: F401

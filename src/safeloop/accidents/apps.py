from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "safeloop.accidents"
    verbose_name = _("Accidents")

    def ready(self):
        # its documents on record pages (core.record_documents)
        from safeloop.accidents import record_documents  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "safeloop.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        # its documents on record pages (core.record_documents)
        from safeloop.inspections import record_documents  # noqa: F401

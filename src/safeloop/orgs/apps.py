from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "safeloop.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from safeloop.orgs import signals  # noqa: F401 — connects the audit receivers

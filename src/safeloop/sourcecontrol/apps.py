from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourceControlConfig(AppConfig):
    name = "safeloop.sourcecontrol"
    verbose_name = _("Source control")

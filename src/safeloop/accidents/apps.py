from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "safeloop.accidents"
    verbose_name = _("Accidents")

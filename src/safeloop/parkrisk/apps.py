from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkRiskConfig(AppConfig):
    name = "safeloop.parkrisk"
    verbose_name = _("Park risk assessment")

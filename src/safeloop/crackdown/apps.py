from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrackdownConfig(AppConfig):
    name = "safeloop.crackdown"
    verbose_name = _("Crackdown on illegal production")

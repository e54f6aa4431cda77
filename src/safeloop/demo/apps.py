from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: Yinchuan's organisation, enterprises and one account per role."""

    name = "safeloop.demo"
    label = "demo"
    verbose_name = _("Demo data")

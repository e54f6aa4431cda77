from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The UI shell: sign-in, navigation, home pages and the audit log viewer."""

    name = "safeloop.web"
    label = "web"
    verbose_name = _("Web interface")

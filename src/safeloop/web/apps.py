from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Django 6.1's empty choice of every select box; its own zh-Hans catalogue lacks it, so the
# web catalogue carries the translation.
BLANK_CHOICE_LABEL = _("- Select an option -")


class WebConfig(AppConfig):
    """The UI shell: sign-in, navigation, home pages and the audit log viewer."""

    name = "safeloop.web"
    label = "web"
    verbose_name = _("Web interface")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfchecksConfig(AppConfig):
    """Enterprise self-check tasks (企业自查): 管控措施 → 排查任务 → 排查记录 → 隐患."""

    name = "safeloop.selfchecks"
    label = "selfchecks"
    verbose_name = _("Self-checks")

    def ready(self):
        from safeloop.selfchecks import signals  # noqa: F401 — tasks follow their enterprise

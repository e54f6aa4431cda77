from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "safeloop.alerts"
    label = "alerts"
    verbose_name = _("Early warning")

    def ready(self):
        from safeloop.alerts import keyunits

        keyunits.connect()
        post_migrate.connect(keyunits.fill_after_migrate, sender=self, dispatch_uid="key-units")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "safeloop.risks"
    label = "risks"
    verbose_name = _("Risk grading and major hazards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from safeloop.enterprises.models import Enterprise
        from safeloop.risks.selectors import bump_map_version

        # An enterprise that moves, changes sector or gets coordinates changes the map.
        post_save.connect(bump_map_version, sender=Enterprise, dispatch_uid="risks-map-save")
        post_delete.connect(bump_map_version, sender=Enterprise, dispatch_uid="risks-map-del")

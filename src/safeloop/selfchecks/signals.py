"""Tasks and records copy their enterprise's county code; when an enterprise moves, they move
with it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from safeloop.enterprises.models import Enterprise
from safeloop.selfchecks.models import SelfCheckRecord, SelfCheckTask


@receiver(post_save, sender=Enterprise)
def follow_enterprise_region(sender, instance, created, **kwargs):
    if not created:
        for model in (SelfCheckTask, SelfCheckRecord):
            model.objects.filter(enterprise=instance).exclude(
                region_code=instance.region_code
            ).update(region_code=instance.region_code)

"""Credit follows the platform's records: a saved hidden-danger move, accident,
investigation, licence, ledger entry or inspection visit refreshes its enterprise's credit
once the transaction commits (one enterprise's records and events, see scoring.run)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from safeloop.accidents.models import Accident, Investigation
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager
from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.inspections.models import Visit

_pending: set[int] = set()


def _schedule(enterprise_id: int | None) -> None:
    if not enterprise_id or enterprise_id in _pending:
        return
    _pending.add(enterprise_id)

    def run():
        _pending.discard(enterprise_id)
        from safeloop.core.context import acting_as
        from safeloop.credit.services import refresh

        with acting_as(None), transaction.atomic():
            if Enterprise.objects.filter(pk=enterprise_id, deleted_at__isnull=True).exists():
                refresh(enterprise_id)

    transaction.on_commit(run)


@receiver(post_save, sender=HazardEvent, dispatch_uid="credit-hazard-event")
def hazard_moved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(
            Hazard.objects.filter(pk=instance.hazard_id)
            .values_list("enterprise_id", flat=True)
            .first()
        )


@receiver(post_save, sender=Hazard, dispatch_uid="credit-hazard")
@receiver(post_save, sender=Accident, dispatch_uid="credit-accident")
@receiver(post_save, sender=Licence, dispatch_uid="credit-licence")
@receiver(post_save, sender=SafetyManager, dispatch_uid="credit-manager")
@receiver(post_save, sender=Visit, dispatch_uid="credit-visit")
def enterprise_record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.enterprise_id)


@receiver(post_save, sender=Investigation, dispatch_uid="credit-investigation")
def investigation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(
            Accident.objects.filter(pk=instance.accident_id)
            .values_list("enterprise_id", flat=True)
            .first()
        )


@receiver(post_save, sender=Enterprise, dispatch_uid="credit-enterprise")
def enterprise_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw:
        _schedule(instance.pk)

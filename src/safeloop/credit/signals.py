"""Credit follows the platform's records: a saved hidden-danger move, accident,
investigation, licence, ledger entry or inspection visit queues its enterprise's credit
refresh for the worker once the transaction commits (one enterprise's records and events,
see scoring.run, tasks.refresh_job); an
enforcement decision (`enforcement.signals.decided`) is recorded as a credit event inside the
deciding transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from safeloop.accidents.models import Accident, Investigation
from safeloop.enforcement.signals import decided
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager
from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.inspections.models import Visit


def _schedule(enterprise_id: int | None) -> None:
    """Once the transaction commits, queue the enterprise's refresh for the worker: a
    creation does not wait for credit (it cost a hidden-danger creation 10 ms of CPU and a
    dozen queries); one waiting refresh per enterprise (core.jobs)."""
    if enterprise_id:
        from safeloop.credit import tasks

        tasks.queue_refresh_after_commit(enterprise_id)


@receiver(post_save, sender=HazardEvent, dispatch_uid="credit-hazard-event")
def hazard_moved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if HazardEvent.hazard.is_cached(instance):  # the services save events with their hazard
        _schedule(instance.hazard.enterprise_id)
    else:
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


# ----------------------------------------------------------------------------- enforcement
def _charged_person(enterprise: Enterprise, name: str):
    """Whose record a measure against a named person weighs on: the principal's when the
    ledger names that person as principal, a safety manager's when one of the enterprise's
    managers has that name, else the enterprise's (docs/credit.md)."""
    name = (name or "").strip()
    if not name:
        return None
    if enterprise.principal and enterprise.principal.strip() == name:
        return "principal"
    return SafetyManager.objects.filter(enterprise=enterprise, name=name).order_by("pk").first()


def _penalty_kind(case) -> str:
    from safeloop.credit.choices import EventKind
    from safeloop.enforcement.choices import PenaltyGround

    ground = case.basis.ground if case.basis_id else PenaltyGround.ORDINARY
    return {
        PenaltyGround.MULTIPLE: EventKind.PENALTY_MULTIPLE,
        PenaltyGround.UNLICENSED: EventKind.UNLICENSED,
    }.get(ground, EventKind.PENALTY_DECISION)


@receiver(decided, dispatch_uid="credit-enforcement-decided")
def enforcement_decided(sender, decision, **kwargs):
    """A penalty decision or an approved measure of accountability becomes a credit event,
    inside the deciding transaction: it commits or rolls back with the decision, and a
    repeated signal records nothing more (record_event is idempotent). Measures against a
    county or park department weigh on no enterprise."""
    from safeloop.credit.choices import EventKind
    from safeloop.credit.services import record_event
    from safeloop.enforcement.models import PenaltyCase

    if decision.enterprise_id is None:
        return
    enterprise = Enterprise.objects.filter(pk=decision.enterprise_id).first()
    if enterprise is None:
        return
    person = None
    if decision.source_model == "enforcement.PenaltyCase":
        case = PenaltyCase.objects.select_related("basis").get(pk=decision.source_id)
        kind = _penalty_kind(case)
        summary = f"{decision.label} {decision.number}"
        if decision.fine is not None:
            summary += f" 罚款{decision.fine}元"
    else:
        kind = EventKind.SANCTION
        person = _charged_person(enterprise, decision.person_name)
        summary = f"{decision.label} {decision.number}"
    from safeloop.credit.models import CreditRule

    day = timezone.localtime(decision.decided_at).date()
    rule = CreditRule.in_force(timezone.localdate()).get(kind)
    if rule is None:
        return  # no rule gives this event points: nothing to record, the decision stands
    subjects: list = [person]
    if person is None and rule.charge_persons:
        # Rules that charge persons count on the principal's and safety managers' records too.
        if enterprise.principal.strip():
            subjects.append("principal")
        subjects.extend(SafetyManager.objects.filter(enterprise=enterprise).order_by("pk"))
    for subject in subjects:
        record_event(
            actor=None,
            kind=kind,
            enterprise=enterprise,
            source=decision.source_model.lower(),
            source_id=decision.source_id,
            occurred_on=day,
            summary=summary,
            person=subject,
        )

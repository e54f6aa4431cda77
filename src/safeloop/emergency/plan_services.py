"""Writes of emergency plans and drills: filing with the county, the revision clock, drills
and their improvements turned into hidden dangers. Each locks through the actor's scope,
checks its move against emergency/workflow.py and is audited."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.notify import notify
from safeloop.core.photos import attach_photo
from safeloop.core.services import after_commit, bump, lock, require, service, track
from safeloop.emergency.choices import (
    Level,
)
from safeloop.emergency.models import (
    Drill,
    DrillImprovement,
    DrillPhoto,
    Plan,
)
from safeloop.emergency.rules import rule_on
from safeloop.emergency.services import _on_duty
from safeloop.emergency.workflow import (
    DRILL_WORKFLOW,
    PLAN_WORKFLOW,
    enterprise_kinds,
)
from safeloop.enterprises.models import Enterprise

# Plans and drills -----------------------------------------------------------------------

PLAN_FIELDS = ("kind", "title", "document")


def _plan_document(actor, enterprise: Enterprise, document) -> None:
    """The plan's document is one of the enterprise's own uploaded emergency plans."""
    from safeloop.enterprises.choices import DocumentKind

    require(
        document is not None
        and document.enterprise_id == enterprise.pk
        and document.kind == DocumentKind.EMERGENCY_PLAN,
        _("Choose an emergency plan uploaded to this enterprise's ledger."),
        "document",
    )


def _tell_regulators(plan_or_drill, title: str, link: str) -> None:
    notify(
        _on_duty(plan_or_drill.enterprise.region_code, Level.COUNTY),
        kind="emergency",
        title=title,
        body=str(plan_or_drill),
        link=link,
    )


@service
def submit_plan(*, actor, enterprise: Enterprise, kind: str, title: str, document) -> Plan:
    """An enterprise submits a plan for filing with its county."""
    plan = Plan(enterprise=enterprise, kind=kind, title=title, document=document)
    PLAN_WORKFLOW.apply(plan, "submit", enterprise_kinds(actor, enterprise))
    _plan_document(actor, enterprise, document)
    plan.full_clean()
    plan.save(action="emergency.plan.submit", actor=actor)
    track(plan, "change")
    link = reverse("emergency-plan-detail", args=[plan.pk])
    after_commit(_tell_regulators, plan, _("An emergency plan awaits filing"), link)
    return plan


def _lock_plan(actor, plan: Plan, move: str, version: int | None) -> Plan:
    plan = lock(Plan, actor, plan.pk, version=version)
    PLAN_WORKFLOW.apply(plan, move, enterprise_kinds(actor, plan.enterprise))
    return plan


def _filing_number(plan: Plan, day) -> str:
    """<county code>-<year>-<serial>: numbered per county and year, never repeated."""
    from safeloop.core.models import DocumentCounter

    code = plan.enterprise.region_code
    return f"{code}-{day.year}-{DocumentCounter.take(code, 'emergency-plan-filing', day.year):04d}"


@service
def file_plan(*, actor, plan: Plan, version: int | None, opinion: str) -> Plan:
    """The county files the plan: a number, the review opinion and the revision clock."""
    plan = _lock_plan(actor, plan, "file", version)
    require(opinion.strip(), _("Write the review opinion."), "opinion")
    today = timezone.localdate()
    years = rule_on(today).plan_revision_years
    plan.opinion, plan.reviewed_at = opinion, timezone.now()
    plan.filing_number = _filing_number(plan, today)
    plan.filed_on = today
    try:
        plan.revise_by = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        plan.revise_by = today.replace(year=today.year + years, day=28)
    bump(plan)
    plan.save(action="emergency.plan.file", actor=actor)
    return plan


@service
def return_plan(*, actor, plan: Plan, version: int | None, opinion: str) -> Plan:
    """The county returns the plan with what must change; a revision keeps its last filing."""
    plan = _lock_plan(actor, plan, "return", version)
    require(opinion.strip(), _("Say what must change."), "opinion")
    plan.opinion, plan.reviewed_at = opinion, timezone.now()
    bump(plan)
    plan.save(action="emergency.plan.return", actor=actor)
    return plan


@service
def resubmit_plan(
    *, actor, plan: Plan, version: int | None, document, change_reason: str = ""
) -> Plan:
    plan = _lock_plan(actor, plan, "resubmit", version)
    return _resubmit(actor, plan, document, change_reason, "emergency.plan.resubmit")


@service
def revise_plan(*, actor, plan: Plan, version: int | None, document, change_reason: str) -> Plan:
    """A filed plan revised on change or when its clock runs out: reviewed again; the last
    filing stays in force until the revision is filed."""
    plan = _lock_plan(actor, plan, "revise", version)
    require(change_reason.strip(), _("Say what changed."), "change_reason")
    plan.revision += 1
    return _resubmit(actor, plan, document, change_reason, "emergency.plan.revise")


def _resubmit(actor, plan: Plan, document, change_reason: str, action: str) -> Plan:
    _plan_document(actor, plan.enterprise, document)
    plan.document, plan.change_reason = document, change_reason
    plan.submitted_at = timezone.now()
    bump(plan)
    plan.save(action=action, actor=actor)
    link = reverse("emergency-plan-detail", args=[plan.pk])
    after_commit(_tell_regulators, plan, _("An emergency plan awaits filing"), link)
    return plan


def plan_moves(plan: Plan, user) -> list[str]:
    return PLAN_WORKFLOW.moves_for(
        PLAN_WORKFLOW.current(plan), enterprise_kinds(user, plan.enterprise)
    )


@service
def plan_drill(
    *, actor, plan: Plan, scenario: str, mode: str, planned_on, enterprise=None
) -> Drill:
    """An enterprise plans a drill of one of its plans."""
    require(
        Plan.objects.for_user(actor, "view").filter(pk=plan.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "plan",
    )
    require(
        enterprise is None or enterprise.pk == plan.enterprise_id,
        _("The plan belongs to another enterprise."),
        "plan",
    )
    drill = Drill(
        enterprise=plan.enterprise, plan=plan, scenario=scenario, mode=mode, planned_on=planned_on
    )
    DRILL_WORKFLOW.apply(drill, "plan", enterprise_kinds(actor, plan.enterprise))
    drill.full_clean()
    drill.save(action="emergency.drill.plan", actor=actor)
    track(drill, "change")
    return drill


def _lock_drill(actor, drill: Drill, move: str, version: int | None) -> Drill:
    drill = lock(Drill, actor, drill.pk, version=version)
    DRILL_WORKFLOW.apply(drill, move, enterprise_kinds(actor, drill.enterprise))
    return drill


@service
def hold_drill(
    *,
    actor,
    drill: Drill,
    version: int | None,
    held_on,
    participants: int,
    participants_note: str = "",
    photos=(),
) -> Drill:
    """Recorded as held: when, who took part, photos of it."""
    drill = _lock_drill(actor, drill, "hold", version)
    require(held_on <= timezone.localdate(), _("A drill cannot be held in the future."), "held_on")
    require(
        participants and participants > 0, _("Give the number of participants."), "participants"
    )
    drill.held_on, drill.participants, drill.participants_note = (
        held_on,
        participants,
        participants_note,
    )
    bump(drill)
    drill.save(action="emergency.drill.hold", actor=actor)
    for upload in photos:
        attach_photo(DrillPhoto, upload=upload, actor=actor, field="photos", drill=drill)
    return drill


@service
def evaluate_drill(
    *,
    actor,
    drill: Drill,
    version: int | None,
    evaluation: str,
    improvements: list[str] = (),  # type: ignore[assignment]
    deadline=None,
) -> Drill:
    """The evaluation; each improvement becomes a general hidden danger of the enterprise,
    tracked to closure by the hazards services."""
    from safeloop.hazards import services as hazard_services
    from safeloop.hazards.choices import Category, Source
    from safeloop.hazards.choices import Level as HazardLevel

    drill = _lock_drill(actor, drill, "evaluate", version)
    require(evaluation.strip(), _("Write the evaluation."), "evaluation")
    drill.evaluation = evaluation
    bump(drill)
    drill.save(action="emergency.drill.evaluate", actor=actor)
    texts = [i.strip() for i in improvements if i.strip()]
    require(
        not texts or deadline is not None,
        _("Give the deadline by which the improvements are made."),
        "deadline",
    )
    for n, text in enumerate(texts):
        hazard, _created = hazard_services.register(
            actor=actor,
            enterprise=drill.enterprise,
            deadline=deadline,
            idempotency_key=f"drill-{drill.pk}-{n}",
            level=HazardLevel.GENERAL,
            source=Source.OTHER,
            category=Category.SAFETY,
            place=drill.scenario[:200],
            description=_("Found by the drill of %(day)s: %(text)s")
            % {"day": drill.held_on, "text": text},
            found_at=timezone.now(),
        )
        DrillImprovement(drill=drill, text=text, hazard=hazard).save(actor=actor)
    return drill


@service
def cancel_drill(*, actor, drill: Drill, version: int | None, reason: str) -> Drill:
    drill = _lock_drill(actor, drill, "cancel", version)
    require(reason.strip(), _("Say why the drill is cancelled."), "reason")
    drill.cancel_reason = reason
    bump(drill)
    drill.save(action="emergency.drill.cancel", actor=actor)
    return drill


def drill_moves(drill: Drill, user) -> list[str]:
    return DRILL_WORKFLOW.moves_for(
        DRILL_WORKFLOW.current(drill), enterprise_kinds(user, drill.enterprise)
    )

"""Every write of the inspections app: plans, targeting, assignment and the visit's submit.

Each service takes keyword-only arguments and the acting user, locks what it changes, checks
state and right, writes an audit entry, and leaves the object inside the actor's scope.
"""

import base64
import binascii
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from safeloop.core import audit
from safeloop.core.bulk import copy_insert
from safeloop.core.errors import Conflict, IllegalMove, NotPermitted
from safeloop.core.photos import attach_photo
from safeloop.core.scoping import ensure_in_scope
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazard_services
from safeloop.hazards.choices import Category, Level, Source
from safeloop.inspections import assignment, targeting
from safeloop.inspections.choices import Outcome, PlanKind, PlanState, Reason, VisitState
from safeloop.inspections.models import (
    ChecklistItem,
    Plan,
    PlanTarget,
    TargetingPolicy,
    Visit,
    VisitPhoto,
    VisitResult,
)
from safeloop.inspections.selectors import visit_items
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

SIGNATURE_MAX_BYTES = 512 * 1024
SOURCE_OF_PLAN = {
    PlanKind.COMPREHENSIVE: Source.COMPREHENSIVE,
    PlanKind.SELF: Source.DAILY,
}


def _require(condition, message, field=None):
    if not condition:
        raise IllegalMove(message, field=field)


def _lock_plan(plan: Plan, actor, version: int | None) -> Plan:
    locked = Plan.objects.for_user(actor, "change").select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        if Plan.objects.for_user(actor).filter(pk=plan.pk).exists():
            raise NotPermitted(_("You may not change this plan."))
        raise Plan.DoesNotExist
    if version is not None and locked.version != version:
        raise Conflict(_("Someone changed this plan meanwhile; reload and try again."))
    return locked


# ---------------------------------------------------------------- plans
@transaction.atomic
def create_plan(
    *, actor, title, kind, region=None, period_start, period_end, enterprise=None, note=""
) -> Plan:
    """A plan of one of the notice's kinds; enterprise staff only make their own
    self-inspection plan."""
    staff_only = bool(actor.roles) and actor.roles <= ENTERPRISE_STAFF
    if staff_only and kind != PlanKind.SELF:
        raise NotPermitted(_("An enterprise makes only its own self-inspection plan."))
    if enterprise is not None:
        region = enterprise.region
    _require(region is not None, _("Choose the region."), "region")
    plan = Plan(
        title=title,
        kind=kind,
        region=region,
        enterprise=enterprise,
        period_start=period_start,
        period_end=period_end,
        note=note,
        created_by=actor,
    )
    plan.full_clean(exclude=["created_by"])
    plan.save(actor=actor)
    ensure_in_scope(actor, "change", plan)
    if kind == PlanKind.SELF:
        PlanTarget.objects.create(
            plan=plan,
            enterprise=enterprise,
            region_code=enterprise.region_code,
            reasons=[Reason.MANUAL],
            reason_text="企业自查计划",
        )
    return plan


@transaction.atomic
def generate_targets(*, plan, actor, version=None, today=None) -> int:
    """Choose the plan's enterprises by the targeting rules in force, replacing any earlier
    choice of this draft plan. One set-based statement: see targeting.py."""
    plan = _lock_plan(plan, actor, version)
    _require(plan.kind != PlanKind.SELF, _("A self-inspection plan targets its own enterprise."))
    _require(plan.state == PlanState.DRAFT, _("Only a draft plan's targets can be generated."))
    policy = TargetingPolicy.current()
    PlanTarget.objects.filter(plan=plan).delete()
    count = targeting.generate(plan, policy, today=today or timezone.localdate())
    plan.policy = policy if policy.pk else None
    plan.targeted_at = timezone.now()
    plan.version += 1
    plan.save(action="inspections.plan.target", actor=actor)
    audit.record("inspections.plan.targets", plan, changes={"targets": [None, count]}, actor=actor)
    return count


@transaction.atomic
def assign(*, plan, actor, version=None) -> tuple[int, int]:
    """Create the visits of the plan's targets, assigned by grid with workloads balanced and
    advisers excluded, and publish the plan. Returns (visits created, targets unassigned)."""
    plan = _lock_plan(plan, actor, version)
    _require(plan.state != PlanState.CLOSED, _("This plan is closed."))
    if plan.kind == PlanKind.SELF:
        visits = [
            Visit(
                plan=plan,
                enterprise=plan.enterprise,
                region_code=plan.region_code,
                inspector=actor,
                scheduled_on=plan.period_start,
            )
        ]
        visits = [] if plan.visits.exists() else visits
        unassigned = 0
    else:
        visits, unassigned = assignment.build_visits(plan)
    # COPY: a city's quarter is tens of thousands of visits; the plan's audit entries below
    # record the run
    copy_insert(Visit, visits)
    plan.state = PlanState.PUBLISHED
    plan.version += 1
    plan.save(action="inspections.plan.assign", actor=actor)
    audit.record(
        "inspections.plan.visits",
        plan,
        changes={"visits": [None, len(visits)], "unassigned": [None, unassigned]},
        actor=actor,
    )
    return len(visits), unassigned


@transaction.atomic
def add_visit(*, plan, actor, enterprise, inspector, scheduled_on) -> Visit:
    """One visit by hand (an unannounced 四不两直 visit, a follow-up): same exclusions."""
    plan = _lock_plan(plan, actor, None)
    _require(plan.state != PlanState.CLOSED, _("This plan is closed."))
    _require(
        plan.period_start <= scheduled_on <= plan.period_end,
        _("The day lies outside the plan's period."),
        "scheduled_on",
    )
    _require(
        (inspector.pk, enterprise.pk) not in assignment.advisers(),
        _("This inspector advises the enterprise and may not inspect it."),
        "inspector",
    )
    _require(
        Enterprise.objects.for_user(inspector, roles=REGULATORS).filter(pk=enterprise.pk).exists(),
        _("The enterprise lies outside this inspector's area."),
        "inspector",
    )
    visit = Visit(plan=plan, enterprise=enterprise, inspector=inspector, scheduled_on=scheduled_on)
    visit.save(actor=actor)
    ensure_in_scope(actor, "change", visit)
    return visit


@transaction.atomic
def cancel_visit(*, visit, actor, reason) -> Visit:
    _require(bool(reason.strip()), _("Give the reason."), "reason")
    locked = Visit.objects.for_user(actor, "change").select_for_update().filter(pk=visit.pk).first()
    if locked is None:
        raise NotPermitted(_("You may not change this visit."))
    _require(locked.state == VisitState.ASSIGNED, _("Only an assigned visit can be cancelled."))
    locked.state = VisitState.CANCELLED
    locked.summary = reason
    locked.version += 1
    locked.save(action="inspections.visit.cancel", actor=actor)
    return locked


# ---------------------------------------------------------------- the visit
def submission_key(visit: Visit) -> str:
    """The same on every retry of the same visit: offline resubmits cannot duplicate it."""
    return f"inspection-visit-{visit.pk}"


def item_key(visit: Visit, item: ChecklistItem) -> str:
    return f"inspection-visit-{visit.pk}-item-{item.pk}"


def decode_signature(data: str, field: str) -> bytes:
    """A signature drawn on screen arrives as a PNG data URL; it is decoded, checked and
    re-encoded, so nothing but pixels is kept."""
    prefix = "data:image/png;base64,"
    if not data or not data.startswith(prefix):
        raise ValidationError({field: _("Sign in the box.")})
    try:
        raw = base64.b64decode(data[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({field: _("The signature could not be read.")}) from None
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError({field: _("The signature image is too large.")})
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({field: _("The signature could not be read.")}) from None
    if image.format != "PNG" or image.width > 2000 or image.height > 1000:
        raise ValidationError({field: _("The signature could not be read.")})
    image = image.convert("RGBA")
    on_white = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    if on_white.convert("L").getextrema()[0] > 200:
        raise ValidationError({field: _("Sign in the box.")})  # blank: nothing was drawn
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _answers_by_item(visit, answers) -> dict:
    """Check every answer against the visit's items; errors are per item field."""
    items = {item.pk: item for _, group in visit_items(visit) for item in group}
    errors, by_item = {}, {}
    for answer in answers:
        try:
            pk = int(answer.get("item"))
        except (TypeError, ValueError):
            pk = None
        if pk not in items:
            errors["answers"] = [_("An answer names an item this visit does not ask about.")]
            continue
        if answer.get("outcome") not in Outcome.values:
            errors[f"outcome_{pk}"] = [_("Choose pass, fail or not applicable.")]
            continue
        by_item[pk] = answer
    missing = [pk for pk in items if pk not in by_item]
    for pk in missing:
        errors.setdefault(f"outcome_{pk}", [_("Choose pass, fail or not applicable.")])
    if errors:
        raise ValidationError(errors)
    return {items[pk]: answer for pk, answer in by_item.items()}


def _register_finding(visit, item, answer, actor, policy):
    finding = answer.get("hazard") or {}
    level = Level.MAJOR if item.is_major else Level.GENERAL
    category = finding.get("category") or item.category
    if category not in Category.values:
        raise ValidationError({f"category_{item.pk}": [_("Choose a category.")]})
    description = (finding.get("description") or "").strip() or item.text
    place = (finding.get("place") or "").strip() or visit.enterprise.name
    deadline = finding.get("deadline") or None
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline)
        except ValueError:
            raise ValidationError(
                {f"deadline_{item.pk}": [_("Enter the deadline as a date, e.g. 2026-12-31.")]}
            ) from None
    working_days = None
    if deadline is None:
        working_days = (
            policy.major_deadline_working_days
            if level == Level.MAJOR
            else policy.general_deadline_working_days
        )
    try:
        hazard, _created = hazard_services.register(
            actor=actor,
            enterprise=visit.enterprise,
            deadline=deadline,
            deadline_working_days=working_days,
            idempotency_key=item_key(visit, item),
            level=level,
            source=SOURCE_OF_PLAN.get(visit.plan.kind, Source.ENFORCEMENT),
            category=category,
            criterion=item.criterion.reference if item.criterion_id else item.basis_text[:100],
            place=place[:200],
            description=description[:5000],
            found_at=timezone.now(),
        )
    except IllegalMove as exc:
        field = f"{exc.field}_{item.pk}" if exc.field else f"outcome_{item.pk}"
        raise ValidationError({field: [str(exc.message)]}) from None
    return hazard


@transaction.atomic
def submit_visit(
    *,
    visit,
    actor,
    answers,
    inspector_signature,
    representative_signature,
    representative="",
    summary="",
    photos=None,
) -> tuple[Visit, bool]:
    """Record the results, register a hidden danger for every failed item through the
    hazards services, keep the signatures and the PDF record — all or nothing. A repeated
    submission of a submitted visit returns it unchanged (False)."""
    locked = Visit.objects.for_user(actor, "do").select_for_update().filter(pk=visit.pk).first()
    if locked is None:
        raise Visit.DoesNotExist
    visit = locked
    if visit.state == VisitState.SUBMITTED and visit.submission_key == submission_key(visit):
        return visit, False
    if visit.inspector_id != actor.pk:
        if not Visit.objects.for_user(actor).filter(pk=visit.pk).exists():
            raise Visit.DoesNotExist  # a visit not yet announced to the enterprise
        raise NotPermitted(_("Only the assigned inspector submits this visit."))
    _require(visit.state == VisitState.ASSIGNED, _("This visit is not open."))
    errors = {}
    signatures = {}
    for field, data in (
        ("inspector_signature", inspector_signature),
        ("representative_signature", representative_signature),
    ):
        try:
            signatures[field] = decode_signature(data, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not (representative or "").strip():
        errors["representative"] = [_("Name the enterprise's representative.")]
    by_item = {}
    try:
        by_item = _answers_by_item(visit, answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    policy = TargetingPolicy.current()
    photos = photos or {}
    for item, answer in by_item.items():
        hazard = None
        if answer["outcome"] == Outcome.FAIL:
            hazard = _register_finding(visit, item, answer, actor, policy)
        result = VisitResult.objects.create(
            visit=visit,
            checklist_item=item,
            criterion=item.criterion,
            item_text=item.text,
            basis=item.basis_text,
            is_major=item.is_major,
            outcome=answer["outcome"],
            note=(answer.get("note") or "")[:5000],
            hazard=hazard,
        )
        for upload in photos.get(item.pk, []):
            _add_photo(result, upload, actor, field=f"photos_{item.pk}")
    visit.representative = representative.strip()[:50]
    visit.summary = (summary or "")[:5000]
    visit.inspector_signature = signatures["inspector_signature"]
    visit.representative_signature = signatures["representative_signature"]
    visit.state = VisitState.SUBMITTED
    visit.submitted_at = timezone.now()
    visit.started_at = visit.started_at or visit.submitted_at
    visit.submission_key = submission_key(visit)
    visit.version += 1
    from safeloop.inspections.record import inspection_record

    visit.record_pdf = inspection_record(visit)
    visit.save(action="inspections.visit.submit", actor=actor)
    ensure_in_scope(actor, "do", visit)
    return visit, True


def _add_photo(result, upload, actor, *, field):
    return attach_photo(VisitPhoto, upload=upload, actor=actor, field=field, result=result)

"""Every write of the inspections app: plans, targeting, assignment, the visit's submit and
cancel, and the criteria's revisions.

Each service is a `safeloop.core.services.service` (one transaction, audited as `actor`, every
record it locks re-checked in the actor's scope before commit); it locks what it changes
(404 outside scope, 403 visible but not theirs, 409 stale version), moves states only through
the tables in `workflow.py` (409 a move this state does not have, 403 an actor kind the move
does not allow) and refuses bad input with a field-level 400.
"""

import base64
import binascii
import io
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from safeloop.core import audit
from safeloop.core.bulk import copy_insert
from safeloop.core.errors import (
    NON_FIELD,
    Conflict,
    IllegalMove,
    Invalid,
    NotFound,
    NotPermitted,
    fields_for,
    status_for,
)
from safeloop.core.photos import attach_photo
from safeloop.core.scoping import as_pk, can
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazard_services
from safeloop.hazards.choices import Category, Level, Source
from safeloop.hazards.models import PhotoStage
from safeloop.inspections import assignment, targeting
from safeloop.inspections.actors import plan_kinds, visit_kinds
from safeloop.inspections.choices import Outcome, PlanKind, Reason, VisitState
from safeloop.inspections.models import (
    POLICY_EDITORS,
    ChecklistItem,
    Criterion,
    Plan,
    PlanTarget,
    RiskFrequency,
    TargetingPolicy,
    Visit,
    VisitPhoto,
    VisitResult,
)
from safeloop.inspections.selectors import visit_items
from safeloop.inspections.workflow import INSPECTOR, PLAN_WORKFLOW, VISIT_WORKFLOW
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

SIGNATURE_MAX_BYTES = 512 * 1024
SOURCE_OF_PLAN = {
    PlanKind.COMPREHENSIVE: Source.COMPREHENSIVE,
    PlanKind.SELF: Source.DAILY,
}


# ---------------------------------------------------------------- plans
@service
def create_plan(
    *,
    actor,
    title,
    kind,
    region=None,
    period_start,
    period_end,
    enterprise: Enterprise | None = None,
    note="",
) -> Plan:
    """A plan of one of the notice's kinds; enterprise staff only make their own
    self-inspection plan."""
    staff_only = bool(actor.roles) and actor.roles <= ENTERPRISE_STAFF
    allow(
        not staff_only or kind == PlanKind.SELF,
        _("An enterprise makes only its own self-inspection plan."),
    )
    if enterprise is not None:
        region = enterprise.region
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
    PLAN_WORKFLOW.apply(plan, "create", plan_kinds(actor, plan))
    require(region is not None, _("Choose the region."), "region")
    plan.full_clean(exclude=["created_by"])
    plan.save(actor=actor)
    track(plan, "change")
    if kind == PlanKind.SELF and enterprise is not None:
        PlanTarget.objects.create(
            plan=plan,
            enterprise=enterprise,
            region_code=enterprise.region_code,
            reasons=[Reason.MANUAL],
            reason_text="企业自查计划",
        )
    return plan


@service
def generate_targets(*, plan: Plan, actor, version: int | None = None, today=None) -> int:
    """Choose the plan's enterprises by the targeting rules in force, replacing any earlier
    choice of this draft plan. One set-based statement: see targeting.py."""
    plan = lock(Plan, actor, plan.pk, version=version)
    PLAN_WORKFLOW.apply(plan, "target", plan_kinds(actor, plan))
    if plan.kind == PlanKind.SELF:
        raise IllegalMove(_("A self-inspection plan targets its own enterprise."))
    policy = TargetingPolicy.current()
    PlanTarget.objects.filter(plan=plan).delete()
    count = targeting.generate(plan, policy, today=today or timezone.localdate())
    plan.policy = policy if policy.pk else None
    plan.targeted_at = timezone.now()
    bump(plan)
    plan.save(action="inspections.plan.target", actor=actor)
    audit.record("inspections.plan.targets", plan, changes={"targets": [None, count]}, actor=actor)
    return count


# What a new targeting-policy version takes from the form; everything else (the risk levels'
# intervals, the coverage cycle, the "always include" rules, the deadlines) is carried over
# from the version in force.
POLICY_FORM_FIELDS = (
    "effective_from",
    "source",
    "credit_factor_a",
    "credit_factor_b",
    "credit_factor_c",
    "credit_factor_d",
    "credit_source",
)
POLICY_CARRIED_FIELDS = (
    "coverage_cycle_months",
    "include_accident",
    "include_overdue_hazards",
    "include_expired_licences",
    "unassessed_months",
    "general_deadline_working_days",
    "major_deadline_working_days",
)


@service
def add_targeting_policy(*, actor, today=None, **fields) -> TargetingPolicy:
    """A new version of the targeting policy from its day on (never an edit of the one in
    force: a plan keeps the version it was targeted under). The credit grades' factors come
    from `fields`; the rest is carried over from the version in force, frequencies included."""
    allow(bool(actor.roles & POLICY_EDITORS), _("Only an administrator changes these rules."))
    today = today or timezone.localdate()
    day = fields.get("effective_from")
    require(day is not None, _("Give the day it takes effect."), "effective_from")
    assert day is not None
    require(
        day >= today,
        _("A new version takes effect today or later: what was in force stays as it was."),
        "effective_from",
    )
    require(
        not TargetingPolicy.objects.filter(effective_from=day).exists(),
        _("A version already takes effect that day."),
        "effective_from",
    )
    require((fields.get("source") or "").strip(), _("Give the source."), "source")
    require(
        (fields.get("credit_source") or "").strip(),
        _("Give the source."),
        "credit_source",
    )
    current = TargetingPolicy.current()
    policy = TargetingPolicy(
        **{name: getattr(current, name) for name in POLICY_CARRIED_FIELDS},
        **{name: fields[name] for name in POLICY_FORM_FIELDS if name in fields},
    )
    policy.source = policy.source.strip()
    policy.credit_source = policy.credit_source.strip()
    policy.full_clean()
    policy.save(action="inspections.policy.add", actor=actor)
    for level, months in current.frequencies().items():
        if level:
            RiskFrequency(policy=policy, level=level, months=months).save(actor=actor)
    return policy


def assignment_filters(sector: str = "", risk_level: str = "") -> assignment.Filters:
    """The dispatch's filters, checked: an unknown sector or risk level is a 400 on it."""
    from safeloop.enterprises.choices import Sector

    sector, risk_level = (sector or "").strip(), (risk_level or "").strip()
    errors = {}
    if sector and sector not in Sector.values:
        errors["sector"] = [_("Choose a sector from the list.")]
    if risk_level and risk_level not in assignment.RISK_LEVELS:
        errors["risk_level"] = [_("Choose a risk level from the list.")]
    if errors:
        raise Invalid(errors)
    return assignment.Filters(sector=sector, risk_level=risk_level)


@dataclass(frozen=True)
class Preview:
    plan: Plan
    filters: assignment.Filters
    proposal: list[assignment.Proposed]
    unassigned: int
    fingerprint: str


def preview_assignment(*, actor, plan: Plan, sector="", risk_level="", today=None) -> Preview:
    """What dispatching the plan's visits would create now, with the same checks as the
    dispatch (404 outside scope, 403 not a planner of it, 409 not a move of its state or a
    self-inspection plan, 400 bad filters). Writes nothing."""
    found = Plan.objects.for_user(actor, "view").filter(pk=as_pk(plan.pk)).first()
    if found is None:
        raise NotFound()
    if not can(actor, "change", found):
        raise NotPermitted()
    PLAN_WORKFLOW.check(found.state, "assign", plan_kinds(actor, found))
    if found.kind == PlanKind.SELF:
        raise IllegalMove(_("A self-inspection plan has its one visit: assign it on its page."))
    filters = assignment_filters(sector, risk_level)
    proposal, unassigned = assignment.propose(found, filters, today or timezone.localdate())
    return Preview(found, filters, proposal, unassigned, assignment.fingerprint(found, proposal))


@service
def assign(
    *,
    plan: Plan,
    actor,
    version: int | None = None,
    sector="",
    risk_level="",
    fingerprint: str | None = None,
    today=None,
) -> tuple[int, int]:
    """Create the visits of the plan's targets (narrowed by sector and risk level), spread
    over the plan's inspectors and working days with advisers excluded, and publish the
    plan. With the `fingerprint` of a preview, the visits are exactly those shown: a
    proposal that has changed since is a 409. Returns (visits created, targets unassigned)."""
    plan = lock(Plan, actor, plan.pk, version=version)
    kinds = plan_kinds(actor, plan)
    PLAN_WORKFLOW.apply(plan, "assign", kinds)
    filters = assignment_filters(sector, risk_level)
    visits: list[Visit]
    if plan.kind == PlanKind.SELF:
        visits = []
        if not plan.visits.exists():
            visits.append(
                Visit(
                    plan=plan,
                    enterprise=plan.enterprise,
                    region_code=plan.region_code,
                    inspector=actor,
                    scheduled_on=plan.period_start,
                )
            )
        unassigned = 0
    else:
        visits, unassigned, now = assignment.build_visits(
            plan, filters, today or timezone.localdate()
        )
        if fingerprint is not None and fingerprint != now:
            raise Conflict(
                _("The proposal has changed since it was shown: look at the new preview.")
            )
    for visit in visits:
        VISIT_WORKFLOW.apply(visit, "create", kinds)
    # COPY: a city's quarter is tens of thousands of visits; the plan's audit entries below
    # record the run
    copy_insert(Visit, visits)
    bump(plan)
    plan.save(action="inspections.plan.assign", actor=actor)
    audit.record(
        "inspections.plan.visits",
        plan,
        changes={
            "visits": [None, len(visits)],
            "unassigned": [None, unassigned],
            "sector": [None, filters.sector],
            "risk_level": [None, filters.risk_level],
        },
        actor=actor,
    )
    return len(visits), unassigned


@service
def add_visit(*, plan: Plan, actor, enterprise: Enterprise, inspector, scheduled_on: date) -> Visit:
    """One visit by hand (an unannounced 四不两直 visit, a follow-up): same exclusions."""
    plan = lock(Plan, actor, plan.pk)
    kinds = plan_kinds(actor, plan)
    PLAN_WORKFLOW.apply(plan, "add_visit", kinds)
    require(
        plan.period_start <= scheduled_on <= plan.period_end,
        _("The day lies outside the plan's period."),
        "scheduled_on",
    )
    require(
        (inspector.pk, enterprise.pk) not in assignment.advisers(),
        _("This inspector advises the enterprise and may not inspect it."),
        "inspector",
    )
    require(
        Enterprise.objects.for_user(inspector, roles=REGULATORS).filter(pk=enterprise.pk).exists(),
        _("The enterprise lies outside this inspector's area."),
        "inspector",
    )
    visit = Visit(plan=plan, enterprise=enterprise, inspector=inspector, scheduled_on=scheduled_on)
    VISIT_WORKFLOW.apply(visit, "create", kinds)
    visit.save(actor=actor)
    track(visit, "change")
    return visit


@service
def close_plan(*, plan: Plan, actor, version: int | None = None) -> Plan:
    """Close a plan once none of its visits is still assigned: each was submitted or
    cancelled. A closed plan takes no more targets or visits; it stays readable."""
    plan = lock(Plan, actor, plan.pk, version=version)
    PLAN_WORKFLOW.apply(plan, "close", plan_kinds(actor, plan))
    open_visits = plan.visits.filter(state=VisitState.ASSIGNED).count()
    if open_visits:
        raise IllegalMove(
            _("%(n)d visits of this plan are still assigned: submit or cancel them first.")
            % {"n": open_visits}
        )
    bump(plan)
    plan.save(action="inspections.plan.close", actor=actor)
    return plan


@service
def cancel_visit(*, visit: Visit, actor, reason: str, version: int | None = None) -> Visit:
    """Call off an assigned visit, saying why (kept as its summary)."""
    visit = lock(
        Visit, actor, visit.pk, action="view", version=version,
        queryset=Visit.objects.select_related("plan"),
    )  # fmt: skip
    VISIT_WORKFLOW.apply(visit, "cancel", visit_kinds(actor, visit))
    require((reason or "").strip(), _("Give the reason."), "reason")
    visit.summary = reason.strip()[:5000]
    bump(visit)
    visit.save(action="inspections.visit.cancel", actor=actor)
    return visit


# ---------------------------------------------------------------- the criteria
@service
def revise_criterion(
    *, criterion: Criterion, actor, text: str, verified: bool, source_note: str = ""
) -> Criterion:
    """A new revision of this item; the old one stays for the results that cite it, and
    checklist items follow to the new one."""
    old = lock(Criterion, actor, criterion.pk)
    if old.superseded_by_id:
        raise IllegalMove(_("Only the latest revision of an item can be revised."))
    new = Criterion(
        standard=old.standard,
        article=old.article,
        item=old.item,
        area=old.area,
        text=text,
        verified=verified,
        source_note=source_note or old.source_note,
        revision=old.revision + 1,
    )
    new.save(actor=actor)
    old.superseded_by = new
    old.save(action="inspections.criterion.supersede", actor=actor)
    for item in ChecklistItem.objects.filter(criterion=old):
        item.criterion = new
        item.text = new.text or item.text
        item.save(actor=actor)
    return new


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
        raise Invalid(_("Sign in the box."), field=field)
    try:
        raw = base64.b64decode(data[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("The signature could not be read."), field=field) from None
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise Invalid(_("The signature image is too large."), field=field)
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Invalid(_("The signature could not be read."), field=field) from None
    if image.format != "PNG" or image.width > 2000 or image.height > 1000:
        raise Invalid(_("The signature could not be read."), field=field)
    rgba = image.convert("RGBA")
    on_white = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    darkest = on_white.convert("L").getextrema()[0]  # one band: (min, max) of numbers
    if isinstance(darkest, int | float) and darkest > 200:
        raise Invalid(_("Sign in the box."), field=field)  # blank: nothing was drawn
    out = io.BytesIO()
    rgba.save(out, format="PNG")
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
        raise Invalid(errors)
    return {items[pk]: answer for pk, answer in by_item.items()}


def _register_finding(visit, item, answer, actor, policy):
    finding = answer.get("hazard") or {}
    level = Level.MAJOR if item.is_major else Level.GENERAL
    category = finding.get("category") or item.category
    if category not in Category.values:
        raise Invalid(_("Choose a category."), field=f"category_{item.pk}")
    # The inspector's own words say what was seen; the checklist sentence says what was due.
    note = (answer.get("note") or "").strip()
    description = (finding.get("description") or "").strip() or item.text
    if note and note not in description:
        description = f"{description}\n{_('Inspector’s note')}：{note}"
    place = (finding.get("place") or "").strip() or visit.enterprise.name
    deadline = finding.get("deadline") or None
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline)
        except ValueError:
            raise Invalid(
                _("Enter the deadline as a date, e.g. 2026-12-31."), field=f"deadline_{item.pk}"
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
    except Exception as exc:  # the hazards service refused the finding's input
        if status_for(exc) != 400:
            raise
        raise Invalid(
            {
                (f"outcome_{item.pk}" if name == NON_FIELD else f"{name}_{item.pk}"): messages
                for name, messages in fields_for(exc).items()
            }
        ) from None
    return hazard


@service
def submit_visit(
    *,
    visit: Visit,
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
    submission of a submitted visit by its inspector returns it unchanged (False)."""
    visit = lock(
        Visit, actor, visit.pk, action="view", queryset=Visit.objects.select_related("plan")
    )
    kinds = visit_kinds(actor, visit)
    repeated = visit.state == VisitState.SUBMITTED and visit.submission_key == submission_key(visit)
    if repeated and INSPECTOR in kinds:
        return visit, False
    VISIT_WORKFLOW.apply(visit, "submit", kinds)
    errors: dict[str, list[str]] = {}
    signatures = {}
    for field, data in (
        ("inspector_signature", inspector_signature),
        ("representative_signature", representative_signature),
    ):
        try:
            signatures[field] = decode_signature(data, field)
        except Invalid as exc:
            errors.update(exc.fields())
    if not (representative or "").strip():
        errors["representative"] = [_("Name the enterprise's representative.")]
    by_item = {}
    try:
        by_item = _answers_by_item(visit, answers)
    except Invalid as exc:
        errors.update(exc.fields())
    if errors:
        raise Invalid(errors)
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
            if hazard is not None:  # the finding's photo is the hazard's "before" evidence
                upload.seek(0)
                hazard_services.add_photo(
                    hazard=hazard, actor=actor, upload=upload, stage=PhotoStage.BEFORE
                )
    visit.representative = representative.strip()[:50]
    visit.summary = (summary or "")[:5000]
    visit.inspector_signature = signatures["inspector_signature"]
    visit.representative_signature = signatures["representative_signature"]
    visit.submitted_at = timezone.now()
    visit.started_at = visit.started_at or visit.submitted_at
    visit.submission_key = submission_key(visit)
    bump(visit)
    from safeloop.inspections.record import inspection_record

    visit.record_pdf = inspection_record(visit)
    visit.save(action="inspections.visit.submit", actor=actor)
    track(visit, "do")
    return visit, True


def _add_photo(result, upload, actor, *, field):
    return attach_photo(VisitPhoto, upload=upload, actor=actor, field=field, result=result)

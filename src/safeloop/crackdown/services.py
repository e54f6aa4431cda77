"""Writes of the crackdown app: campaigns, cases through their lifecycle (`workflow.py`), the
actions on a case (voided, never deleted), re-visits, joint operations and the follow-up
rules (added, never edited). A public report turned into a case moves with it."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.crackdown.choices import STOPPING_ACTIONS, ActionKind, Source
from safeloop.crackdown.models import (
    RULE_EDITORS,
    SUPERVISORS,
    Action,
    Campaign,
    Case,
    CrackdownRule,
    FollowUp,
    JointOperation,
)
from safeloop.crackdown.workflow import CASE_WORKFLOW, actor_kinds
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.models import Hazard
from safeloop.inspections.models import Visit
from safeloop.orgs.models import GridCell, Park, Region
from safeloop.public.models import PublicReport, PublicReportEvent
from safeloop.public.workflow import PUBLIC_REPORT_WORKFLOW

UNKNOWN = "Select a valid choice. That choice is not one of the available choices."
CAMPAIGN_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "focus",
    "target_cases",
    "target_stopped",
    "target_fines",
    "target_operations",
)
RULE_FIELDS = (
    "first_visit_days",
    "visit_every_days",
    "visits_required",
    "effective_from",
    "source",
    "confidence",
    "notes",
)


def _unknown():
    return _(UNKNOWN)


def _visible(model, actor, obj, field: str, action: str = "view"):
    """`obj` when the actor may see it; else the same 400 as an id that does not exist."""
    if obj is None:
        return None
    require(model.objects.for_user(actor, action).filter(pk=obj.pk).exists(), _unknown(), field)
    return obj


def _usable(actor, campaign) -> bool:
    from safeloop.crackdown.selectors import campaigns_for

    return campaigns_for(actor).filter(pk=campaign.pk).exists()


def _county(actor, region) -> Region:
    _visible(Region, actor, region, "region")
    require(region.level == "county", _("Choose a county-level unit."), "region")
    return region


# ---------------------------------------------------------------- rules
@service
def add_rule(*, actor, **fields) -> CrackdownRule:
    """A new version of the follow-up rule; older versions stay for the history."""
    allow(actor is None or bool(actor.roles & RULE_EDITORS), _("Only an administrator."))
    rule = CrackdownRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    require(rule.source.strip(), _("Give the source of the rule."), "source")
    require(
        not CrackdownRule.objects.filter(effective_from=rule.effective_from).exists(),
        _("A rule from that day already exists."),
        "effective_from",
    )
    rule.full_clean()
    rule.save(action="crackdown.rule.add")
    return rule


# ---------------------------------------------------------------- campaigns
def _campaign_checks(campaign: Campaign) -> None:
    require(campaign.title.strip(), _("Give a title."), "title")
    require(
        campaign.ends_on >= campaign.starts_on, _("A campaign ends after it starts."), "ends_on"
    )


@service
def create_campaign(*, actor, region: Region, **fields) -> Campaign:
    allow(bool(actor.roles & SUPERVISORS), _("Only an administrator or inspector."))
    _visible(Region, actor, region, "region")
    campaign = Campaign(
        region_code=region.code, **{k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS}
    )
    _campaign_checks(campaign)
    campaign.full_clean()
    campaign.save(action="crackdown.campaign.create")
    track(campaign)
    return campaign


@service
def update_campaign(*, actor, campaign, version, **fields) -> Campaign:
    campaign = lock(Campaign, actor, campaign.pk, version=version)
    for name, value in fields.items():
        if name in CAMPAIGN_FIELDS:
            setattr(campaign, name, value)
    _campaign_checks(campaign)
    campaign.full_clean()
    bump(campaign)
    campaign.save(action="crackdown.campaign.update")
    return campaign


# ---------------------------------------------------------------- cases
def _place(actor, case: Case, enterprise, region, park, grid) -> None:
    """Where the case is: the ledger enterprise's place, or the grid cell, park or county
    given for an unregistered operator."""
    if enterprise is not None:
        _visible(Enterprise, actor, enterprise, "enterprise")
        case.enterprise = enterprise
        case.region_code = enterprise.region_code
        case.park_id, case.grid_id = enterprise.park_id, enterprise.grid_id
        case.subject_name = case.subject_name.strip() or enterprise.name
        case.subject_address = case.subject_address.strip() or enterprise.address
        return
    if grid is not None:
        _visible(GridCell, actor, grid, "grid")
        require(
            park is None or grid.park_id == park.pk,
            _("This grid cell is not in that park."),
            "grid",
        )
        case.grid, case.park_id, case.region_code = grid, grid.park_id, grid.region_code
    elif park is not None:
        _visible(Park, actor, park, "park")
        case.park, case.region_code = park, park.region_code
    else:
        require(region is not None, _("Choose the county, park or grid cell."), "region")
        case.region_code = _county(actor, region).code
    if region is not None:
        require(
            region.code == case.region_code,
            _("The park or grid cell is not in that county."),
            "region",
        )


def _source(actor, case: Case, public_report, hazard, visit) -> None:
    source = case.source
    require(source in Source.values, _("Choose where the case came from."), "source")
    if source == Source.HIDDEN_DANGER:
        require(hazard is not None, _("Choose the hidden danger."), "hazard")
        case.hazard = _visible(Hazard, actor, hazard, "hazard")
    if source == Source.INSPECTION:
        require(visit is not None, _("Choose the inspection visit."), "visit")
        case.visit = _visible(Visit, actor, visit, "visit")
    if source == Source.REFERRAL:
        require(case.referred_by.strip(), _("Name the department that referred it."), "referred_by")
    if source == Source.PUBLIC_REPORT:
        require(public_report is not None, _("Choose the public report."), "public_report")


def _refer_report(actor, case: Case, report) -> None:
    """The public report moves with the case: it is being handled (the reporter's tracking
    page says so, and nothing of the case)."""
    report = lock(PublicReport, actor, report.pk)
    PUBLIC_REPORT_WORKFLOW.apply(report, "refer", {"regulator"})
    report.public_reply = _(
        "Your report has been taken up by the crackdown on illegal production and is being "
        "handled according to law."
    )
    bump(report)
    report.save(action="public.report.refer", actor=actor)
    PublicReportEvent.objects.create(report=report, move="refer", actor=actor)
    case.public_report = report


def _conclude_report(actor, case: Case) -> None:
    if case.public_report_id is None:
        return
    report = lock(PublicReport, actor, case.public_report_id)
    PUBLIC_REPORT_WORKFLOW.apply(report, "conclude", {"regulator"})
    report.public_reply = _("Your report has been checked and handled according to law.")
    bump(report)
    report.save(action="public.report.conclude", actor=actor)
    PublicReportEvent.objects.create(report=report, move="conclude", actor=actor)


@service
def register_case(
    *,
    actor,
    source: str,
    facts: str,
    location: str,
    found_on: date,
    subject_name: str = "",
    subject_address: str = "",
    enterprise=None,
    region=None,
    park=None,
    grid=None,
    campaign=None,
    public_report=None,
    hazard=None,
    visit=None,
    referred_by: str = "",
    latitude=None,
    longitude=None,
) -> Case:
    """A case registered (登记) by a regulator in whose scope it lies."""
    case = Case(
        source=source,
        facts=(facts or "").strip(),
        location=(location or "").strip(),
        found_on=found_on,
        subject_name=subject_name or "",
        subject_address=subject_address or "",
        referred_by=(referred_by or "").strip(),
        latitude=latitude,
        longitude=longitude,
        registered_by=actor,
    )
    _source(actor, case, public_report, hazard, visit)
    _place(actor, case, enterprise, region, park, grid)
    if campaign is not None:
        require(_usable(actor, campaign), _unknown(), "campaign")
        case.campaign = campaign
    require(case.subject_name.strip(), _("Name the operator."), "subject_name")
    require(case.facts, _("Say what was found."), "facts")
    require(case.location, _("Say where it was found."), "location")
    require(found_on <= timezone.localdate(), _("A case is found on a past day."), "found_on")
    require(
        (latitude is None) == (longitude is None),
        _("Give both latitude and longitude, or neither."),
        "latitude",
    )
    CASE_WORKFLOW.apply(case, "register", actor_kinds(actor, case))
    if public_report is not None:
        _refer_report(actor, case, public_report)
    case.full_clean()
    case.save(action="crackdown.case.register")
    case.number = f"DF{case.created_at.year}-{case.pk:05d}"
    Case.objects.filter(pk=case.pk).update(number=case.number)
    track(case)
    return case


def _move(actor, case, version, move: str) -> Case:
    case = lock(Case, actor, case.pk, version=version)
    CASE_WORKFLOW.apply(case, move, actor_kinds(actor, case))
    return case


@service
def verify(*, actor, case, version=None) -> Case:
    case = _move(actor, case, version, "verify")
    bump(case)
    case.save(action="crackdown.case.verify")
    return case


@service
def decline(*, actor, case, version=None, reason: str) -> Case:
    """不予立案: verification found nothing illegal (or not for this authority)."""
    case = _move(actor, case, version, "decline")
    require((reason or "").strip(), _("Give the reason."), "reason")
    case.decision = reason.strip()
    case.closed_on = timezone.localdate()
    _conclude_report(actor, case)
    bump(case)
    case.save(action="crackdown.case.decline")
    return case


@service
def file_case(*, actor, case, version=None, verification: str) -> Case:
    """立案: verification confirmed the illegal activity; actions follow."""
    case = _move(actor, case, version, "file")
    require((verification or "").strip(), _("Say what the verification found."), "verification")
    case.verification = verification.strip()
    bump(case)
    case.save(action="crackdown.case.file")
    return case


@service
def add_action(
    *,
    actor,
    case,
    kind: str,
    decided_on: date,
    document_number: str,
    amount=None,
    transferred_to: str = "",
    document=None,
    note: str = "",
) -> Action:
    case = _move(actor, case, None, "add_action")
    require(kind in ActionKind.values, _("Choose the action."), "kind")
    require(decided_on <= timezone.localdate(), _("Record an action once decided."), "decided_on")
    require(decided_on >= case.found_on, _("An action follows the finding."), "decided_on")
    require((document_number or "").strip(), _("Give the document number."), "document_number")
    if kind == ActionKind.FINE:
        require(
            amount is not None and Decimal(amount) > 0,
            _("Give the amount of the fine."),
            "amount",
        )
    else:
        require(amount is None or Decimal(amount) == 0, _("Only a fine has an amount."), "amount")
        amount = None
    if kind == ActionKind.TRANSFER:
        require(
            (transferred_to or "").strip(),
            _("Name the authority it is transferred to."),
            "transferred_to",
        )
    action = Action(
        case=case,
        kind=kind,
        decided_on=decided_on,
        document_number=document_number.strip(),
        amount=amount,
        transferred_to=(transferred_to or "").strip(),
        note=(note or "").strip(),
        recorded_by=actor,
    )
    if document:
        action.document = clean_pdf(document, field="document")
    action.full_clean()
    action.save(action="crackdown.action.add")
    bump(case)
    case.save(action="crackdown.case.add_action")
    return action


@service
def void_action(*, actor, action, reason: str) -> Action:
    action = lock(Action, actor, action.pk)
    _move(actor, action.case, None, "void_action")
    require(action.voided_at is None, _("This action is already void."))
    require((reason or "").strip(), _("Give the reason."), "reason")
    action.voided_at = timezone.now()
    action.note = f"{action.note} {reason.strip()}".strip()[:500]
    action.save(action="crackdown.action.void")
    return action


@service
def start_follow_up(*, actor, case, version=None) -> Case:
    """处置 done: the case waits for its re-visits (or for closing when nothing was stopped)."""
    case = _move(actor, case, version, "follow")
    require(
        case.actions.filter(voided_at__isnull=True).exists(),
        _("Record at least one action first."),
    )
    case.tracking_since = timezone.localdate()
    bump(case)
    case.save(action="crackdown.case.follow")
    return case


@service
def add_revisit(*, actor, case, visited_on: date, still_closed: bool, note: str = "") -> FollowUp:
    """A re-visit. A site found working again sends the case back to 处置."""
    case = _move(actor, case, None, "revisit")
    require(visited_on <= timezone.localdate(), _("Record a re-visit once made."), "visited_on")
    require(
        case.tracking_since is None or visited_on >= case.tracking_since,
        _("A re-visit comes after the follow-up started."),
        "visited_on",
    )
    require(
        still_closed or (note or "").strip(),
        _("Say what was found working."),
        "note",
    )
    visit = FollowUp(
        case=case,
        visited_on=visited_on,
        still_closed=bool(still_closed),
        note=(note or "").strip(),
        visited_by=actor,
    )
    visit.full_clean()
    visit.save(action="crackdown.followup.add")
    if not still_closed:
        CASE_WORKFLOW.apply(case, "relapse", actor_kinds(actor, case))
        case.tracking_since = None
    bump(case)
    case.save(action="crackdown.case.revisit")
    return visit


def confirmed_visits(case: Case) -> int:
    if case.tracking_since is None:
        return 0
    return case.follow_ups.filter(visited_on__gte=case.tracking_since, still_closed=True).count()


def visits_needed(case: Case) -> int:
    """Re-visits still needed before closing: none when no site was stopped."""
    stopped = case.actions.filter(voided_at__isnull=True, kind__in=STOPPING_ACTIONS).exists()
    if not stopped:
        return 0
    rule = CrackdownRule.in_force()
    required = rule.visits_required if rule else 1
    return max(0, required - confirmed_visits(case))


@service
def close_case(*, actor, case, version=None, note: str = "") -> Case:
    """结案, once every stopped site was found still closed on the re-visits the rule asks."""
    case = _move(actor, case, version, "close")
    missing = visits_needed(case)
    require(
        missing == 0,
        _("%(n)d more re-visit(s) finding the site closed are needed first.") % {"n": missing},
    )
    case.decision = (note or "").strip()
    case.closed_on = timezone.localdate()
    _conclude_report(actor, case)
    bump(case)
    case.save(action="crackdown.case.close")
    return case


# ---------------------------------------------------------------- joint operations
@service
def create_operation(
    *,
    actor,
    region: Region,
    title: str,
    held_on: date,
    departments: str,
    staff: int = 0,
    campaign=None,
    cases=(),
    summary: str = "",
) -> JointOperation:
    allow(bool(actor.roles & SUPERVISORS), _("Only an administrator or inspector."))
    _visible(Region, actor, region, "region")
    require((title or "").strip(), _("Give a title."), "title")
    require((departments or "").strip(), _("Name the departments taking part."), "departments")
    require(held_on <= timezone.localdate(), _("Record an operation once held."), "held_on")
    if campaign is not None:
        require(_usable(actor, campaign), _unknown(), "campaign")
    ids = {c.pk for c in cases or ()}
    visible = set(Case.objects.for_user(actor).filter(pk__in=ids).values_list("pk", flat=True))
    require(ids <= visible, _unknown(), "cases")
    operation = JointOperation(
        title=title.strip(),
        region_code=region.code,
        held_on=held_on,
        departments=departments.strip(),
        staff=staff or 0,
        campaign=campaign,
        summary=(summary or "").strip(),
    )
    operation.full_clean()
    operation.save(action="crackdown.operation.create")
    track(operation)
    operation.cases.set(ids)
    return operation

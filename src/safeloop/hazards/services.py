"""Every change to a hidden danger: one function per move of the transition tables.

Each is a `core.services.service`: it locks the row through the actor's scope (404 outside
it, 403 visible but not theirs to change, 409 on a stale version), takes the landing state
from the table (`HAZARD_WORKFLOW.apply`: 409 when the move does not exist in this state, 403
when the actor is no kind that may make it), writes, adds a timeline event and an audit entry,
is re-checked in the actor's scope before commit, and notifies only after commit.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core import calendar
from safeloop.core.errors import IllegalMove
from safeloop.core.models import DocumentCounter
from safeloop.core.notify import notify
from safeloop.core.photos import attach_photo
from safeloop.core.services import after_commit, allow, bump, lock, require, service, track
from safeloop.hazards.actors import actor_kinds
from safeloop.hazards.choices import ExtensionStatus, Level, ListingLevel, Source, State
from safeloop.hazards.models import (
    Extension,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardPolicy,
    Listing,
    PhotoStage,
)
from safeloop.hazards.recipients import recipients
from safeloop.hazards.workflow import EXTENSION_WORKFLOW, HAZARD_WORKFLOW
from safeloop.orgs.models import Department, DepartmentKind


# ---------------------------------------------------------------- helpers
def _illegal_unless(condition, message: str) -> None:
    """IllegalMove (409): the move exists, but the record's situation does not allow it now
    (already listed, an extension waiting, none waiting…)."""
    if not condition:
        raise IllegalMove(message)


# Foreign keys are checked by the database itself, and the one unique constraint (the
# idempotency key) is handled where it can fire; validating them here would cost a query each.
UNVALIDATED = [
    "enterprise",
    "risk_point",
    "control_measure",
    "found_by",
    "submitted_by",
    "accepted_by",
    "created_by",
]


def _record(hazard: Hazard, move: str, actor, from_state: str, note: str = "") -> HazardEvent:
    bump(hazard)
    hazard.full_clean(exclude=UNVALIDATED, validate_constraints=False)
    hazard.save(action=f"hazards.hazard.{move}", actor=actor)
    return HazardEvent.objects.create(
        hazard=hazard,
        actor=actor,
        move=move,
        from_state=from_state,
        to_state=hazard.state,
        note=note,
    )


def _notify_after_commit(hazard: Hazard, audience: str, title: str, key: str = "") -> None:
    def send():
        notify(
            recipients(hazard, audience),
            kind="hazard",
            title=title,
            link=f"/hazards/{hazard.pk}/",
            dedupe_key=key,
        )

    after_commit(send)


def _move(hazard, move, actor, version=None, note="", **fields) -> Hazard:
    """Lock, apply the move of the table, set `fields` and record. For simple moves."""
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    from_state = hazard.state
    HAZARD_WORKFLOW.apply(hazard, move, actor_kinds(actor, hazard))
    for name, value in fields.items():
        setattr(hazard, name, value)
    _record(hazard, move, actor, from_state, note)
    return hazard


def _label(name: str) -> str:
    """The verbose name of one of the hazard's own fields."""
    return str(getattr(Hazard._meta.get_field(name), "verbose_name", name))


def _within_policy(deadline: date, field: str) -> None:
    """400 on `field` when `deadline` lies past the policy's latest deadline (a hazard due
    in the year 9999 would never escalate)."""
    days = HazardPolicy.current().max_deadline_days
    latest = timezone.localdate() + timedelta(days=days)
    require(
        deadline <= latest,
        _("The deadline may be at most %(days)s days from today (until %(latest)s).")
        % {"days": days, "latest": latest.isoformat()},
        field,
    )


def _deadline(deadline: date | None, working_days: int | None, start: date) -> tuple:
    if working_days is not None:
        require(
            working_days > 0, _("Give a positive number of working days."), "deadline_working_days"
        )
        # never more working days than the policy's calendar days: the count stays bounded
        _within_policy(start + timedelta(days=working_days), "deadline_working_days")
        computed = calendar.add_working_days(start, working_days)
        _within_policy(computed.day, "deadline_working_days")
        return computed.day, working_days, computed.fell_back
    require(deadline is not None, _("Every hidden danger needs a deadline."), "deadline")
    assert deadline is not None
    require(deadline >= start, _("The deadline cannot be in the past."), "deadline")
    _within_policy(deadline, "deadline")
    return deadline, None, False


# ---------------------------------------------------------------- creation
RECORD_FIELDS = [
    "level",
    "source",
    "category",
    "criterion",
    "place",
    "risk_point",
    "control_measure",
    "description",
    "cause",
    "found_at",
]


def _create(move, *, actor, enterprise, idempotency_key="", **fields) -> tuple[Hazard, bool]:
    """Create through `move` (unsaved, in its landing state); a repeated idempotency key
    returns the first hazard instead."""
    if idempotency_key and actor is not None:
        existing = Hazard.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    kinds = actor_kinds(actor, None, enterprise)
    hazard = Hazard(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        created_by=actor,
        found_by=actor,
        idempotency_key=idempotency_key or "",
        **fields,
    )
    HAZARD_WORKFLOW.apply(hazard, move, kinds)
    hazard.found_by_regulator = "regulator" in kinds and "enterprise" not in kinds
    return hazard, True


def _save_new(hazard: Hazard, move: str, actor, note="") -> tuple[Hazard, bool]:
    # Only an idempotency key can collide, so only then is a savepoint worth its round trips.
    try:
        with transaction.atomic(savepoint=bool(hazard.idempotency_key)):
            hazard.version = 0  # the first save bumps it to 1
            _record(hazard, move, actor, "", note)
    except IntegrityError:
        # The same idempotency key raced in from a retry: the first one won.
        existing = Hazard.objects.filter(
            created_by=hazard.created_by, idempotency_key=hazard.idempotency_key
        ).first()
        if existing is None:
            raise
        return existing, False
    # Re-checked in the creator's scope before commit: one may not record a hazard one could
    # not then see and change. A report is not: anyone may report on any enterprise (the
    # public too), and a reporter need not see what becomes of it.
    if move != "report":
        track(hazard, "change")
    return hazard, True


def _take_notice_number(hazard: Hazard) -> str:
    """The 隐患整改通知书 a regulator issues with its finding: numbered per department and year."""
    from safeloop.hazards.notices import issuing_department

    department = issuing_department(hazard)
    issuer = department.name if department else hazard.region_code
    year = timezone.localdate().year
    number = DocumentCounter.take(issuer, "hazard-rectification-notice", year)
    return f"{issuer}隐改〔{year}〕第{number}号"


@service
def register(
    *, actor, enterprise, deadline=None, deadline_working_days=None, idempotency_key="", **fields
) -> tuple[Hazard, bool]:
    """Register a confirmed hidden danger: it starts rectifying with its deadline."""
    hazard, created = _create(
        "register", actor=actor, enterprise=enterprise, idempotency_key=idempotency_key, **fields
    )
    if not created:
        return hazard, False
    hazard.deadline, hazard.deadline_working_days, hazard.deadline_fell_back = _deadline(
        deadline, deadline_working_days, timezone.localdate()
    )
    if hazard.found_by_regulator:
        hazard.notice_number = _take_notice_number(hazard)
    hazard, created = _save_new(hazard, "register", actor)
    if created:
        _notify_after_commit(
            hazard, "enterprise", _("New hidden danger registered: %s") % hazard.place
        )
    return hazard, created


@service
def fix_on_spot(
    *, actor, enterprise, evidence, idempotency_key="", **fields
) -> tuple[Hazard, bool]:
    """即查即改: a general hidden danger fixed while found goes straight to acceptance."""
    hazard, created = _create(
        "fix_on_spot", actor=actor, enterprise=enterprise, idempotency_key=idempotency_key, **fields
    )
    if not created:
        return hazard, False
    require(
        hazard.level == Level.GENERAL,
        _("Only a general hidden danger can be fixed on the spot."),
        "level",
    )
    require(bool(evidence.strip()), _("Describe how it was fixed."), "evidence")
    now = timezone.now()
    hazard.evidence, hazard.deadline = evidence, timezone.localdate()
    hazard.submitted_by, hazard.submitted_at = actor, now
    return _save_new(hazard, "fix_on_spot", actor)


def report(
    *,
    enterprise,
    place,
    description,
    reporter_contact="",
    actor=None,
    source=Source.PUBLIC_REPORT,
    category="8",
    level=Level.GENERAL,
    idempotency_key="",
) -> tuple[Hazard, bool]:
    """A public report or a proposal: it waits for confirmation. `actor` None: the public."""
    return _report(
        actor=actor,
        enterprise=enterprise,
        place=place,
        description=description,
        reporter_contact=reporter_contact,
        source=source,
        category=category,
        level=level,
        idempotency_key=idempotency_key,
    )


@service
def _report(*, actor, enterprise, place, idempotency_key, **fields) -> tuple[Hazard, bool]:
    hazard, created = _create(
        "report",
        actor=actor,
        enterprise=enterprise,
        idempotency_key=idempotency_key,
        place=place,
        **fields,
    )
    if not created:
        return hazard, False
    hazard, created = _save_new(hazard, "report", actor)
    if created:
        _notify_after_commit(hazard, "grid", _("Hidden danger reported: %s") % place)
        _notify_after_commit(hazard, "county", _("Hidden danger reported: %s") % place)
    return hazard, created


# ---------------------------------------------------------------- moves
@service
def confirm(
    *, hazard, actor, deadline=None, deadline_working_days=None, level=None, version=None
) -> Hazard:
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    from_state = hazard.state
    HAZARD_WORKFLOW.apply(hazard, "confirm", actor_kinds(actor, hazard))
    if level:
        hazard.level = level
    hazard.deadline, hazard.deadline_working_days, hazard.deadline_fell_back = _deadline(
        deadline, deadline_working_days, timezone.localdate()
    )
    _record(hazard, "confirm", actor, from_state)
    _notify_after_commit(hazard, "enterprise", _("Hidden danger confirmed: %s") % hazard.place)
    return hazard


@service
def reject(*, hazard, actor, reason, version=None) -> Hazard:
    require(bool(reason.strip()), _("Give the reason."), "reason")
    return _move(hazard, "reject", actor, version, note=reason, void_reason=reason)


PLAN_FIELDS = [
    "measures",
    "funds_budgeted",
    "responsible_person",
    "emergency_measures",
    "plan_goals",
    "plan_methods",
    "plan_resources",
    "plan_organisation",
    "plan_schedule",
    "plan_safety",
    "production_stopped",
]


@service
def plan(*, hazard, actor, version=None, **fields) -> Hazard:
    """Record the rectification plan (五到位; the six-part governance plan when major)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    require(not unknown, _("Unknown plan fields: %s") % ", ".join(sorted(unknown)))
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    HAZARD_WORKFLOW.apply(hazard, "plan", actor_kinds(actor, hazard))
    for name, value in fields.items():
        setattr(hazard, name, value)
    if not hazard.plan_missing():
        hazard.planned_at = hazard.planned_at or timezone.now()
    _record(hazard, "plan", actor, hazard.state)
    return hazard


@service
def list_hazard(*, hazard, actor, deadline, version=None) -> Listing:
    """挂牌督办: the supervising level lists a major hidden danger, numbering its notice."""
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    HAZARD_WORKFLOW.apply(hazard, "list", actor_kinds(actor, hazard))
    require(hazard.level == Level.MAJOR, _("Only a major hidden danger is listed."), "level")
    _illegal_unless(
        not Listing.objects.filter(hazard=hazard).exists(),
        _("This hidden danger is already listed."),
    )
    level = HazardPolicy.current().listing_level
    code = hazard.region_code if level == ListingLevel.COUNTY else hazard.region_code[:4] + "00"
    kind = (
        DepartmentKind.COUNTY_DEPARTMENT
        if level == ListingLevel.COUNTY
        else DepartmentKind.CITY_BUREAU
    )
    department = (
        Department.objects.select_for_update()
        .filter(region__code=code, kind=kind)
        .order_by("pk")
        .first()
    )
    _illegal_unless(
        department is not None, _("No supervising department is set up for region %s.") % code
    )
    assert department is not None
    today = timezone.localdate()
    require(deadline >= today, _("The deadline cannot be in the past."), "deadline")
    _within_policy(deadline, "deadline")
    number = Listing.objects.filter(department=department, listed_at__year=today.year).count() + 1
    listing = Listing(
        hazard=hazard,
        level=level,
        department=department,
        listed_at=today,
        deadline=deadline,
        listed_by=actor,
        notice_number=f"{department.name}督〔{today.year}〕第{number}号",
    )
    listing.save(actor=actor)
    hazard.deadline = deadline
    _record(hazard, "list", actor, hazard.state, note=listing.notice_number)
    _notify_after_commit(
        hazard, "enterprise", _("Listed for supervision: %s") % listing.notice_number
    )
    return listing


@service
def submit(*, hazard, actor, evidence, funds_spent=None, version=None, photos=()) -> Hazard:
    """Submit the rectification for acceptance with its after-rectification photos (taken
    in the same form, or added before); the policy says how many each level needs."""
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    from_state = hazard.state
    HAZARD_WORKFLOW.apply(hazard, "submit", actor_kinds(actor, hazard))
    missing = hazard.plan_missing()
    require(
        not missing,
        _("The plan is incomplete: %s") % ", ".join(_label(name) for name in missing),
        "plan",
    )
    require(bool(evidence.strip()), _("Describe the rectification."), "evidence")
    if hazard.level == Level.MAJOR:
        _illegal_unless(
            Listing.objects.filter(hazard=hazard).exists(),
            _(
                "A major hidden danger is accepted by its listing department: it must be "
                "listed first."
            ),
        )
    for upload in photos or ():
        attach_photo(
            HazardPhoto,
            upload=upload,
            actor=actor,
            field="photos",
            hazard=hazard,
            stage=PhotoStage.AFTER,
        )
    needed = HazardPolicy.current().after_photos_required(hazard.level)
    have = HazardPhoto.objects.filter(hazard=hazard, stage=PhotoStage.AFTER).count()
    require(
        have >= needed,
        _("Add at least %d photo(s) taken after the rectification.") % needed,
        "photos",
    )
    hazard.evidence, hazard.funds_spent = evidence, funds_spent
    hazard.submitted_by, hazard.submitted_at = actor, timezone.now()
    _record(hazard, "submit", actor, from_state)
    audience = (
        "county" if hazard.level == Level.MAJOR or hazard.found_by_regulator else "enterprise"
    )
    _notify_after_commit(hazard, audience, _("Awaiting your acceptance: %s") % hazard.place)
    return hazard


@service
def accept(*, hazard, actor, opinion, expert_report="", version=None) -> Hazard:
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    allow(
        actor is None or actor.pk != hazard.submitted_by_id,
        _("Whoever submitted the rectification cannot accept it."),
    )
    from_state = hazard.state
    HAZARD_WORKFLOW.apply(hazard, "accept", actor_kinds(actor, hazard))
    require(bool(opinion.strip()), _("Give the acceptance opinion."), "opinion")
    if hazard.level == Level.MAJOR:
        require(
            bool(expert_report.strip()),
            _("A major hidden danger needs the expert or evaluation report."),
            "expert_report",
        )
        listing = Listing.objects.select_for_update().get(hazard=hazard)
        listing.delisted_at = timezone.localdate()
        listing.save(action="hazards.listing.delist", actor=actor)
    hazard.acceptance_opinion, hazard.expert_report = opinion, expert_report
    hazard.accepted_by, hazard.accepted_at = actor, timezone.now()
    _record(hazard, "accept", actor, from_state, note=opinion)
    _notify_after_commit(hazard, "enterprise", _("Accepted and closed: %s") % hazard.place)
    return hazard


@service
def return_for_rectification(*, hazard, actor, reason, version=None) -> Hazard:
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    allow(
        actor is None or actor.pk != hazard.submitted_by_id,
        _("Whoever submitted the rectification cannot accept or return it."),
    )
    from_state = hazard.state
    HAZARD_WORKFLOW.apply(hazard, "return", actor_kinds(actor, hazard))
    require(bool(reason.strip()), _("Give the reason."), "reason")
    hazard.returns_count += 1
    _record(hazard, "return", actor, from_state, note=reason)
    _notify_after_commit(hazard, "enterprise", _("Returned for rectification: %s") % hazard.place)
    return hazard


@service
def request_extension(*, hazard, actor, new_deadline, reason, version=None) -> Extension:
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    kinds = actor_kinds(actor, hazard)
    HAZARD_WORKFLOW.apply(hazard, "request_extension", kinds)
    require(bool(reason.strip()), _("Give the reason."), "reason")
    require(
        new_deadline > hazard.deadline,
        _("The new deadline must be later than the current one."),
        "new_deadline",
    )
    _within_policy(new_deadline, "new_deadline")
    _illegal_unless(
        not hazard.extensions.filter(status=ExtensionStatus.REQUESTED).exists(),
        _("An extension request is already waiting for a decision."),
    )
    policy = HazardPolicy.current()
    if hazard.level == Level.GENERAL:
        _illegal_unless(
            hazard.extensions_count < policy.general_max_extensions,
            _("A general hidden danger may be extended %d time(s) at most.")
            % policy.general_max_extensions,
        )
    else:
        notice = calendar.working_days_between(timezone.localdate(), hazard.deadline)
        _illegal_unless(
            notice >= policy.major_extension_notice_working_days,
            _(
                "A major hidden danger's extension must be requested at least %(n)d working "
                "days before the deadline (%(left)d left)."
            )
            % {"n": policy.major_extension_notice_working_days, "left": notice},
        )
    extension = Extension(
        hazard=hazard,
        requested_by=actor,
        old_deadline=hazard.deadline,
        new_deadline=new_deadline,
        reason=reason,
    )
    EXTENSION_WORKFLOW.apply(extension, "request", kinds)
    extension.save(action="hazards.extension.request", actor=actor)
    _record(hazard, "request_extension", actor, hazard.state, note=reason)
    _notify_after_commit(
        hazard,
        "county" if hazard.level == Level.MAJOR else "grid",
        _("Extension requested: %s") % hazard.place,
    )
    return extension


@service
def decide_extension(*, hazard, actor, approve: bool, note="", version=None) -> Extension:
    hazard = lock(Hazard, actor, hazard.pk, version=version)
    kinds = actor_kinds(actor, hazard)
    HAZARD_WORKFLOW.apply(hazard, "decide_extension", kinds)
    extension = (
        hazard.extensions.select_for_update().filter(status=ExtensionStatus.REQUESTED).first()
    )
    _illegal_unless(extension is not None, _("No extension request is waiting."))
    assert extension is not None
    move = "approve" if approve else "refuse"
    EXTENSION_WORKFLOW.apply(extension, move, kinds)
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_note = note
    extension.save(action=f"hazards.extension.{move}", actor=actor)
    if approve:
        hazard.deadline = extension.new_deadline
        hazard.extensions_count += 1
        listing = Listing.objects.filter(hazard=hazard).first()
        if listing:
            listing.deadline = extension.new_deadline
            listing.save(actor=actor)
    _record(
        hazard,
        "decide_extension",
        actor,
        hazard.state,
        note=f"{extension.get_status_display()} {note}".strip(),
    )
    _notify_after_commit(
        hazard,
        "enterprise",
        _("Extension %(status)s: %(place)s")
        % {"status": extension.get_status_display(), "place": hazard.place},
    )
    return extension


@service
def void(*, hazard, actor, reason, version=None) -> Hazard:
    require(bool(reason.strip()), _("Give the reason."), "reason")
    return _move(hazard, "void", actor, version, note=reason, void_reason=reason)


PHOTO_STATES = {
    PhotoStage.BEFORE: (State.PENDING, State.RECTIFYING),
    PhotoStage.AFTER: (State.RECTIFYING, State.AWAITING),
}


@service
def add_photo(*, hazard, actor, upload, stage) -> HazardPhoto:
    """Attach a photo: before-photos while the hazard is pending or rectifying, after-photos
    while rectifying or awaiting acceptance; by the enterprise or a regulator."""
    hazard = lock(Hazard, actor, hazard.pk)
    allow(
        actor_kinds(actor, hazard) & {"enterprise", "regulator"},
        _("You may not add photos to this hidden danger."),
    )
    require(stage in PHOTO_STATES, _("Choose before or after."), "stage")
    require(
        hazard.state in PHOTO_STATES[stage],
        _("A photo of this stage cannot be added in state “%s”.") % hazard.get_state_display(),
        "stage",
    )
    return attach_photo(HazardPhoto, upload=upload, actor=actor, hazard=hazard, stage=stage)


@service
def record_found(*, actor, move, evidence="", photo=None, **fields) -> tuple[Hazard, bool]:
    """The registration screen's one write: register or fix on the spot, with the photo the
    form carried (of the danger; of the result when fixed on the spot), all or nothing."""
    if move == "fix_on_spot":
        fields.pop("deadline", None), fields.pop("deadline_working_days", None)
        hazard, created = fix_on_spot(actor=actor, evidence=evidence, **fields)
        stage = PhotoStage.AFTER
    else:
        hazard, created = register(actor=actor, **fields)
        stage = PhotoStage.BEFORE
    if created and photo:
        add_photo(hazard=hazard, actor=actor, upload=photo, stage=stage)
    return hazard, created


# The service of each move of an existing hazard: the API and the screens dispatch through it.
MOVES = {
    "confirm": confirm,
    "reject": reject,
    "plan": plan,
    "list": list_hazard,
    "submit": submit,
    "request_extension": request_extension,
    "decide_extension": decide_extension,
    "accept": accept,
    "return": return_for_rectification,
    "void": void,
}


def allowed_moves(hazard: Hazard, user) -> list[str]:
    moves = HAZARD_WORKFLOW.moves_for(hazard.state, actor_kinds(user, hazard))
    return [m for m in moves if m not in ("register", "fix_on_spot", "report")]

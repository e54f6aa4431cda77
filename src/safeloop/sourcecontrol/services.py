"""Writes of source control and the expert service. Each is a `core.services.service`:
404 outside the actor's scope, 403 visible but not theirs, 409 stale or not possible in the
record's state, 400 on the field that breaks a rule. Lifecycles move only through the tables
of `workflow.py`."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Conflict, IllegalMove
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazards
from safeloop.hazards.choices import Level, Source
from safeloop.hazards.models import HazardPolicy
from safeloop.orgs.accounts import grant_role
from safeloop.orgs.models import Region, RoleAssignment
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol.actors import actor_kinds
from safeloop.sourcecontrol.choices import ItemKind, RelationKind
from safeloop.sourcecontrol.models import (
    CATALOGUE_EDITORS,
    POOL_KEEPERS,
    CatalogueEntry,
    CatalogueMatch,
    EliminationItem,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    ExpertVisit,
    InventoryItem,
    Milestone,
    ServiceContract,
    VisitFinding,
)
from safeloop.sourcecontrol.workflow import (
    ELIMINATION_WORKFLOW,
)

UNKNOWN = "Select a valid choice. That choice is not one of the available choices."
EXPERT_FIELDS = ("name", "organisation", "specialty", "title", "active")
CONTRACT_FIELDS = (
    "number",
    "title",
    "provider",
    "amount",
    "starts_on",
    "ends_on",
    "visits_per_enterprise",
    "note",
)
ENTRY_FIELDS = (
    "code",
    "kind",
    "name",
    "keywords",
    "capacity_unit",
    "capacity_max",
    "action",
    "reason",
    "replacement",
    "sector",
    "hazard_level",
    "rectify_days",
    "source",
    "published_on",
    "effective_from",
    "confidence",
    "withdrawn",
)
ITEM_FIELDS = (
    "kind",
    "name",
    "model_spec",
    "capacity",
    "capacity_unit",
    "quantity",
    "location",
    "in_use_since",
)


def _visible(model, actor, obj, field: str):
    """`obj` when the actor sees it; else the same 400 as an id that does not exist."""
    require(
        obj is not None and model.objects.for_user(actor, "view").filter(pk=obj.pk).exists(),
        _(UNKNOWN),
        field,
    )
    return obj


def _enterprise(actor, enterprise, action="view") -> Enterprise:
    """The enterprise read through the actor's scope (404), locked."""
    return lock(Enterprise, actor, enterprise.pk, action=action)


# ---------------------------------------------------------------- the expert pool
@service
def add_expert(*, actor, user, region: Region, **fields) -> ExpertProfile:
    """An account into the expert pool kept by `region`'s administrators."""
    allow(bool(actor.roles & POOL_KEEPERS), _("Only an administrator keeps the expert pool."))
    _visible(Region, actor, region, "region")
    require(user is not None, _("Choose the expert's account."), "user")
    require(
        not ExpertProfile.objects.filter(user=user).exists(),
        _("This account is already in the expert pool."),
        "user",
    )
    expert = ExpertProfile(
        user=user,
        region_code=region.code,
        **{k: v for k, v in fields.items() if k in EXPERT_FIELDS},
    )
    expert.name = (expert.name or user.full_name or user.username).strip()
    require(expert.name, _("Give the expert's name."), "name")
    expert.full_clean()
    expert.save(action="sourcecontrol.expert.add")
    return track(expert)


@service
def update_expert(*, actor, expert, version, **fields) -> ExpertProfile:
    expert = lock(ExpertProfile, actor, expert.pk, version=version)
    for name, value in fields.items():
        if name in EXPERT_FIELDS:
            setattr(expert, name, value)
    require(expert.name.strip(), _("Give the expert's name."), "name")
    expert.full_clean()
    bump(expert)
    expert.save(action="sourcecontrol.expert.update")
    return expert


def conflicts(expert: ExpertProfile, enterprise: Enterprise):
    """The expert's standing relations to the enterprise: any one excludes the expert."""
    return ExpertRelation.objects.filter(expert=expert, enterprise=enterprise, voided_at=None)


@service
def declare_relation(
    *, actor, expert, enterprise, kind: str, note="", declared_on: date | None = None
) -> ExpertRelation:
    """A tie between an expert and an enterprise. Running assignments of the expert to that
    enterprise are withdrawn at once: the expert no longer advises it."""
    expert = lock(ExpertProfile, actor, expert.pk)
    _visible(Enterprise, actor, enterprise, "enterprise")
    require(kind in RelationKind.values, _("Choose the kind of relation."), "kind")
    require(
        not conflicts(expert, enterprise).filter(kind=kind).exists(),
        _("This relation is already recorded."),
        "kind",
    )
    relation = ExpertRelation(
        expert=expert,
        enterprise=enterprise,
        kind=kind,
        note=note,
        declared_on=declared_on or timezone.localdate(),
    )
    require(relation.declared_on <= timezone.localdate(), _("Not in the future."), "declared_on")
    relation.full_clean()
    relation.save(action="sourcecontrol.relation.declare")
    reason = _("Conflict of interest: %(kind)s") % {"kind": relation.get_kind_display()}
    for assignment in ExpertAssignment.objects.select_for_update().filter(
        expert=expert, enterprise=enterprise, withdrawn_at=None
    ):
        _withdraw(assignment, reason)
    return relation


@service
def void_relation(*, actor, relation, reason: str) -> ExpertRelation:
    """A relation recorded by mistake or ended (e.g. the employment ended three years ago)."""
    relation = lock(ExpertRelation, actor, relation.pk)
    if relation.voided_at is not None:
        raise IllegalMove(_("This relation is already void."))
    require(reason.strip(), _("Say why."), "reason")
    relation.voided_at, relation.void_reason = timezone.now(), reason[:300]
    relation.save(action="sourcecontrol.relation.void")
    return relation


# ---------------------------------------------------------------- contracts and assignments
def _check_contract(contract: ServiceContract) -> None:
    require(contract.number.strip(), _("Give the contract number."), "number")
    require(contract.title.strip(), _("Give a title."), "title")
    require(contract.provider.strip(), _("Give the service organisation."), "provider")
    require(
        contract.ends_on >= contract.starts_on, _("A contract ends after it starts."), "ends_on"
    )
    require(
        not ServiceContract.objects.filter(number=contract.number).exclude(pk=contract.pk).exists(),
        _("A contract with this number exists."),
        "number",
    )


@service
def create_contract(*, actor, region: Region, **fields) -> ServiceContract:
    allow(bool(actor.roles & POOL_KEEPERS), _("Only an administrator records contracts."))
    _visible(Region, actor, region, "region")
    contract = ServiceContract(
        region_code=region.code, **{k: v for k, v in fields.items() if k in CONTRACT_FIELDS}
    )
    _check_contract(contract)
    contract.full_clean()
    contract.save(action="sourcecontrol.contract.create")
    return track(contract)


@service
def update_contract(*, actor, contract, version, **fields) -> ServiceContract:
    contract = lock(ServiceContract, actor, contract.pk, version=version)
    for name, value in fields.items():
        if name in CONTRACT_FIELDS:
            setattr(contract, name, value)
    _check_contract(contract)
    contract.full_clean()
    bump(contract)
    contract.save(action="sourcecontrol.contract.update")
    return contract


@service
def assign_expert(*, actor, contract, expert, enterprise) -> ExpertAssignment:
    """An expert to advise one enterprise of the contract's region. Refused (400 on `expert`)
    when the expert has any standing relation to the enterprise; the expert is granted the
    expert role on the enterprise so that they see it."""
    contract = lock(ServiceContract, actor, contract.pk)
    _visible(ExpertProfile, actor, expert, "expert")
    _visible(Enterprise, actor, enterprise, "enterprise")
    require(
        enterprise.region_code.startswith(contract.region_code.rstrip("0")[:4])
        if contract.region_code.endswith("00")
        else enterprise.region_code == contract.region_code,
        _("The enterprise lies outside the contract's region."),
        "enterprise",
    )
    require(expert.active, _("This expert has left the pool."), "expert")
    require(contract.ends_on >= timezone.localdate(), _("The contract has ended."), "contract")
    ties = list(conflicts(expert, enterprise))
    require(
        not ties,
        _("Conflict of interest: %(expert)s — %(kinds)s. Choose another expert.")
        % {"expert": expert.name, "kinds": "、".join(str(t.get_kind_display()) for t in ties)},
        "expert",
    )
    require(
        not ExpertAssignment.objects.filter(
            contract=contract, expert=expert, enterprise=enterprise, withdrawn_at=None
        ).exists(),
        _("This expert already advises this enterprise under the contract."),
        "expert",
    )
    assignment = ExpertAssignment(contract=contract, expert=expert, enterprise=enterprise)
    assignment.full_clean()
    assignment.save(action="sourcecontrol.assignment.create")
    granted = RoleAssignment.objects.filter(
        user=expert.user, role=Role.EXPERT, enterprise=enterprise, active=True
    ).exists()
    if not granted:
        grant_role(
            actor=actor,
            user=expert.user,
            role=Role.EXPERT,
            enterprise=enterprise.pk,
            reason=_("Expert service contract %(number)s") % {"number": contract.number},
        )
    return track(assignment)


def _withdraw(assignment: ExpertAssignment, reason: str) -> None:
    assignment.withdrawn_at, assignment.withdraw_reason = timezone.now(), reason[:300]
    bump(assignment)
    assignment.save(action="sourcecontrol.assignment.withdraw")


@service
def withdraw_assignment(*, actor, assignment, version, reason: str) -> ExpertAssignment:
    assignment = lock(ExpertAssignment, actor, assignment.pk, version=version)
    if assignment.withdrawn_at is not None:
        raise IllegalMove(_("This assignment is already withdrawn."))
    require(reason.strip(), _("Say why."), "reason")
    _withdraw(assignment, reason)
    return assignment


# ---------------------------------------------------------------- visits and findings
@service
def record_visit(
    *, actor, assignment, visited_on: date, summary: str, findings: list | None = None
) -> ExpertVisit:
    """The assigned expert records a visit and what was found (a list of {place,
    description, level, deadline_days})."""
    assignment = lock(ExpertAssignment, actor, assignment.pk, action="view")
    allow(
        assignment.expert.user_id == actor.pk,
        _("Only the assigned expert records a visit."),
    )
    if assignment.withdrawn_at is not None:
        raise IllegalMove(_("This assignment is withdrawn."))
    if conflicts(assignment.expert, assignment.enterprise).exists():
        raise Conflict(_("Conflict of interest: this expert may not advise this enterprise."))
    contract = assignment.contract
    require(visited_on <= timezone.localdate(), _("Record a visit once it is made."), "visited_on")
    require(
        contract.starts_on <= visited_on <= contract.ends_on,
        _("The visit lies outside the contract's period."),
        "visited_on",
    )
    require(summary.strip(), _("Say what guidance was given."), "summary")
    visit = ExpertVisit(
        assignment=assignment,
        enterprise=assignment.enterprise,
        visited_on=visited_on,
        summary=summary,
    )
    visit.full_clean()
    visit.save(action="sourcecontrol.visit.record")
    for row in findings or []:
        finding = VisitFinding(
            visit=visit,
            place=str(row.get("place", "")).strip(),
            description=str(row.get("description", "")).strip(),
            level=row.get("level") or "general",
            deadline_days=row.get("deadline_days") or 30,
        )
        require(finding.place, _("Say where each finding is."), "findings")
        require(finding.description, _("Describe each finding."), "findings")
        require(finding.level in Level.values, _("Choose a level."), "findings")
        try:
            finding.full_clean(exclude=["visit", "hazard"])
        except Exception:
            require(False, _("Give 1–365 days to rectify."), "findings")
        finding.save(action="sourcecontrol.finding.record")
    return track(visit, "view")


def _max_days(days: int) -> int:
    return max(1, min(int(days), HazardPolicy.current().max_deadline_days))


@service
def register_findings(*, actor, visit) -> list:
    """Each finding of the visit not yet registered becomes a hidden danger (source: external
    expert diagnosis), registered by the enterprise's staff or a regulator. Run again, it adds
    nothing: a registered finding keeps its hazard, and the idempotency key covers a retry."""
    visit = lock(ExpertVisit, actor, visit.pk, action="view")
    kinds = actor_kinds(actor, visit.enterprise)
    allow(
        bool(kinds & {"enterprise", "regulator"}),
        _("The enterprise's staff or a regulator register the findings."),
    )
    created = []
    today = timezone.localdate()
    for finding in visit.findings.select_for_update().filter(hazard__isnull=True):
        hazard, new = hazards.register(
            actor=actor,
            enterprise=visit.enterprise,
            idempotency_key=f"expert-finding-{finding.pk}",
            deadline=today + timedelta(days=_max_days(finding.deadline_days)),
            level=finding.level,
            source=Source.EXPERT,
            category="1",
            place=finding.place,
            description=finding.description,
            cause=_("Found by expert %(name)s on %(day)s")
            % {"name": visit.assignment.expert.name, "day": visit.visited_on.isoformat()},
        )
        finding.hazard = hazard
        finding.save(action="sourcecontrol.finding.register")
        if new:
            created.append(hazard)
    if visit.registered_at is None:
        visit.registered_at = timezone.now()
        bump(visit)
        visit.save(action="sourcecontrol.visit.register")
    return created


# ---------------------------------------------------------------- the catalogue
@service
def add_entry(*, actor, **fields) -> CatalogueEntry:
    """A new catalogue entry, or a newer version of one (same code, later effective date)."""
    allow(
        actor is None or bool(actor.roles & CATALOGUE_EDITORS),
        _("Only an administrator changes the catalogue."),
    )
    entry = CatalogueEntry(**{k: v for k, v in fields.items() if k in ENTRY_FIELDS})
    require(entry.code.strip(), _("Give the entry code."), "code")
    require(entry.source.strip(), _("Give the source of the entry."), "source")
    require(entry.words, _("Give at least one match word."), "keywords")
    require(
        entry.effective_from >= entry.published_on,
        _("An entry takes effect on or after its publication."),
        "effective_from",
    )
    require(
        (entry.capacity_max is None) or bool(entry.capacity_unit.strip()),
        _("Give the unit of the capacity."),
        "capacity_unit",
    )
    require(
        not CatalogueEntry.objects.filter(
            code=entry.code, effective_from=entry.effective_from
        ).exists(),
        _("This entry already has a version from that day."),
        "effective_from",
    )
    entry.full_clean()
    entry.save(action="sourcecontrol.entry.add")
    return entry


# ---------------------------------------------------------------- inventory and matching
def _check_item(item: InventoryItem) -> None:
    require(item.kind in ItemKind.values, _("Choose process or equipment."), "kind")
    require(item.name.strip(), _("Give the name."), "name")
    require(
        item.capacity is None or bool(item.capacity_unit.strip()),
        _("Give the unit of the capacity."),
        "capacity_unit",
    )
    require(
        item.in_use_since is None or item.in_use_since <= timezone.localdate(),
        _("Not in the future."),
        "in_use_since",
    )


@service
def add_item(*, actor, enterprise, **fields) -> InventoryItem:
    enterprise = _enterprise(actor, enterprise)
    allow(bool(actor_kinds(actor, enterprise) & {"enterprise", "regulator"}))
    item = InventoryItem(
        enterprise=enterprise, **{k: v for k, v in fields.items() if k in ITEM_FIELDS}
    )
    _check_item(item)
    item.full_clean()
    item.save(action="sourcecontrol.item.add")
    return track(item)


@service
def update_item(*, actor, item, version, **fields) -> InventoryItem:
    item = lock(InventoryItem, actor, item.pk, version=version)
    require(item.retired_at is None, _("A retired item is not edited."))
    for name, value in fields.items():
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    _check_item(item)
    item.full_clean()
    bump(item)
    item.save(action="sourcecontrol.item.update")
    return item


@service
def retire_item(*, actor, item, version) -> InventoryItem:
    """Taken out of use (kept for the history; its hidden dangers follow their own loop)."""
    item = lock(InventoryItem, actor, item.pk, version=version)
    if item.retired_at is not None:
        raise IllegalMove(_("This item is already retired."))
    item.retired_at = timezone.now()
    bump(item)
    item.save(action="sourcecontrol.item.retire")
    return item


def matches(item: InventoryItem, entry: CatalogueEntry) -> bool:
    """Does the catalogue entry name this item? Same kind, one of the entry's match words in
    the item's name or specification, and, where the entry sets a capacity limit, the item's
    capacity in the same unit at or below it."""
    if item.kind != entry.kind:
        return False
    text = f"{item.name} {item.model_spec}".lower()
    if not any(word.lower() in text for word in entry.words):
        return False
    if entry.capacity_max is None:
        return True
    if item.capacity is None or item.capacity_unit.strip().lower() != entry.capacity_unit.lower():
        return False
    return Decimal(item.capacity) <= Decimal(entry.capacity_max)


@service
def match_inventory(*, actor, enterprise) -> list[CatalogueMatch]:
    """Match the enterprise's items in use against the catalogue in force: each new (item,
    entry) pair becomes one hidden danger with the entry as its basis. Run again, it adds
    nothing for pairs already matched."""
    enterprise = _enterprise(actor, enterprise)
    allow(bool(actor_kinds(actor, enterprise) & {"enterprise", "regulator"}))
    entries = CatalogueEntry.in_force()
    items = list(
        InventoryItem.objects.select_for_update()
        .filter(enterprise=enterprise, retired_at=None)
        .order_by("id")
    )
    done = set(
        CatalogueMatch.objects.filter(enterprise=enterprise).values_list("item_id", "entry_code")
    )
    today = timezone.localdate()
    created = []
    for item in items:
        for entry in entries:
            if (item.pk, entry.code) in done or not matches(item, entry):
                continue
            hazard, _new = hazards.register(
                actor=actor,
                enterprise=enterprise,
                idempotency_key=f"catalogue-{item.pk}-{entry.code}",
                deadline=today + timedelta(days=_max_days(entry.rectify_days)),
                level=entry.hazard_level,
                source=Source.PROFESSIONAL,
                category="2" if entry.kind == ItemKind.PROCESS else "7",
                criterion=entry.basis[:100],
                place=(item.location or item.name)[:200],
                description=_(
                    "In use: %(item)s (%(count)s). The catalogue lists “%(entry)s” as obsolete"
                    " (%(basis)s). Replace with: %(replacement)s"
                )
                % {
                    "item": str(item),
                    "count": item.quantity,
                    "entry": entry.name,
                    "basis": entry.basis,
                    "replacement": entry.replacement or "—",
                },
                cause=entry.reason,
            )
            match = CatalogueMatch(
                enterprise=enterprise,
                item=item,
                entry=entry,
                entry_code=entry.code,
                hazard=hazard,
            )
            match.save(action="sourcecontrol.match.create")
            done.add((item.pk, entry.code))
            created.append(match)
    return created


# ---------------------------------------------------------------- the elimination list
@service
def list_elimination(
    *, actor, enterprise, year: int, capacity: str, reason: str, deadline: date, entry=None
) -> EliminationItem:
    enterprise = _enterprise(actor, enterprise)
    item = EliminationItem(
        enterprise=enterprise,
        year=year,
        capacity=capacity.strip(),
        reason=reason.strip(),
        deadline=deadline,
        entry=entry,
    )
    ELIMINATION_WORKFLOW.apply(item, "list", actor_kinds(actor, enterprise))
    require(item.capacity, _("Say what capacity is to go."), "capacity")
    require(item.reason, _("Say why it is listed."), "reason")
    require(deadline.year >= int(year), _("The deadline lies before the plan year."), "deadline")
    item.full_clean()
    item.save(action="sourcecontrol.elimination.list")
    return track(item)


@service
def add_milestone(*, actor, item, title: str, due_on: date, note="") -> Milestone:
    item = lock(EliminationItem, actor, item.pk)
    allow(bool(actor_kinds(actor, item.enterprise) & {"enterprise", "regulator"}))
    if item.state != "listed":
        raise IllegalMove(_("Milestones are planned while the item is listed."))
    require(title.strip(), _("Name the milestone."), "title")
    require(due_on <= item.deadline, _("A milestone falls by the deadline."), "due_on")
    milestone = Milestone(
        item=item, enterprise=item.enterprise, title=title, due_on=due_on, note=note
    )
    milestone.full_clean()
    milestone.save(action="sourcecontrol.milestone.add")
    return milestone


@service
def complete_milestone(*, actor, milestone, done_on: date, note="") -> Milestone:
    milestone = lock(Milestone, actor, milestone.pk)
    item = lock(EliminationItem, actor, milestone.item_id)
    allow(bool(actor_kinds(actor, item.enterprise) & {"enterprise", "regulator"}))
    if item.state != "listed":
        raise IllegalMove(_("Milestones are completed while the item is listed."))
    if milestone.done_on is not None:
        raise IllegalMove(_("This milestone is already done."))
    require(done_on <= timezone.localdate(), _("Not in the future."), "done_on")
    milestone.done_on, milestone.note = done_on, note or milestone.note
    milestone.save(action="sourcecontrol.milestone.complete")
    return milestone


def _elimination_move(actor, item, version, move):
    item = lock(EliminationItem, actor, item.pk, version=version)
    ELIMINATION_WORKFLOW.apply(item, move, actor_kinds(actor, item.enterprise))
    return item


@service
def report_elimination(*, actor, item, version, report: str) -> EliminationItem:
    item = _elimination_move(actor, item, version, "report")
    require(report.strip(), _("Say how it was eliminated."), "report")
    require(
        not item.milestones.filter(done_on=None).exists(),
        _("Complete every milestone first."),
        "report",
    )
    item.report, item.reported_at = report, timezone.now()
    bump(item)
    item.save(action="sourcecontrol.elimination.report")
    return item


@service
def verify_elimination(*, actor, item, version, verification: str) -> EliminationItem:
    item = _elimination_move(actor, item, version, "verify")
    require(verification.strip(), _("Say what was verified on site."), "verification")
    item.verification, item.verified_by, item.verified_at = verification, actor, timezone.now()
    bump(item)
    item.save(action="sourcecontrol.elimination.verify")
    return item


@service
def send_back_elimination(*, actor, item, version, verification: str) -> EliminationItem:
    item = _elimination_move(actor, item, version, "send_back")
    require(verification.strip(), _("Say what is still missing."), "verification")
    item.verification = verification
    bump(item)
    item.save(action="sourcecontrol.elimination.send_back")
    return item

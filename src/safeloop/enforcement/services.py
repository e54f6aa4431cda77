"""Writes of the enforcement app: enforcement documents and their service, penalty cases
through their lifecycle, trigger rules and legal bases (added, never edited), the proposals
the daily job raises and the measures of accountability decided from them."""

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Invalid
from safeloop.core.models import DocumentCounter
from safeloop.core.services import bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.enforcement import selectors, signals
from safeloop.enforcement.choices import (
    DOCUMENT_TITLES,
    ApprovalLevel,
    DocumentKind,
    DocumentState,
    OnSiteMeasure,
    PenaltyGround,
    RecheckResult,
    SanctionKind,
    TargetKind,
)
from safeloop.enforcement.models import (
    RULE_EDITORS,
    Commitment,
    Document,
    LegalBasis,
    PenaltyCase,
    Proposal,
    Sanction,
    TriggerRule,
)
from safeloop.enforcement.triggers import REGISTRY, param_errors
from safeloop.enforcement.workflow import (
    CASE_WORKFLOW,
    DOCUMENT_WORKFLOW,
    PROPOSAL_WORKFLOW,
    SANCTION_WORKFLOW,
    SYSTEM,
    actor_kinds,
)
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, DepartmentKind


# ------------------------------------------------------------------ numbering
def issuing_department(region_code: str, *, city: bool = False) -> str:
    """The department whose name heads a document: the county industry department of the
    region (the city bureau for city-level measures); the region code if none is kept."""
    if city:
        found = (
            Department.objects.filter(
                region__code=region_code[:4] + "00", kind=DepartmentKind.CITY_BUREAU
            )
            .order_by("pk")
            .first()
        )
    else:
        found = (
            Department.objects.filter(
                region__code=region_code, kind=DepartmentKind.COUNTY_DEPARTMENT
            )
            .order_by("pk")
            .first()
        )
    return found.name if found else region_code


def take_number(issuer: str, kind: str, word: str, year: int) -> tuple[int, str]:
    """The next number of `kind` for `issuer` in `year`, inside the caller's transaction:
    a rolled-back issue gives its number back, so the sequence has no gaps."""
    sequence = DocumentCounter.take(issuer, f"enforcement-{kind}", year)
    return sequence, f"{issuer}{word}〔{year}〕{sequence}号"


def _visible(model, actor, obj, field: str):
    if obj is None:
        return None
    found = model.objects.for_user(actor, "view").filter(pk=obj.pk).first()
    require(found is not None, _("No such record."), field)
    return found


# ------------------------------------------------------------------ documents
@service
def issue_document(
    *,
    actor,
    kind,
    enterprise=None,
    visit=None,
    hazard=None,
    original=None,
    findings="",
    requirements="",
    legal_basis="",
    deadline: date | None = None,
    measures=(),
    measure_scope="",
    result="",
) -> Document:
    """Issue a numbered document from a visit, a hidden danger or (a re-check) the order it
    follows up; the enterprise is theirs."""
    from safeloop.hazards.models import Hazard
    from safeloop.inspections.models import Visit

    require(kind in DocumentKind.values, _("Choose a kind of document."), "kind")
    visit = _visible(Visit, actor, visit, "visit")
    hazard = _visible(Hazard, actor, hazard, "hazard")
    original = _visible(Document, actor, original, "original")
    if kind == DocumentKind.RECHECK:
        require(original is not None, _("Choose the order this re-check follows."), "original")
        require(
            original.kind == DocumentKind.ORDER,
            _("A re-check follows an order to rectify."),
            "original",
        )
        require(
            original.state in (DocumentState.SERVED, DocumentState.ACKNOWLEDGED),
            _("The order must have been served and not yet closed."),
            "original",
        )
        require(result in RecheckResult.values, _("Say whether it was rectified."), "result")
        hazard = hazard or original.hazard
        enterprise = original.enterprise
    else:
        require(original is None, _("Only a re-check follows an order."), "original")
    source = visit or hazard
    if source is not None:
        if enterprise is not None:
            require(
                enterprise.pk == source.enterprise_id,
                _("The enterprise is not the one of the visit or hidden danger."),
                "enterprise",
            )
        enterprise = enterprise or source.enterprise
    require(
        visit is not None or hazard is not None or original is not None,
        _("Issue a document from a visit or a hidden danger."),
        "visit",
    )
    if visit is not None and hazard is not None:
        require(
            hazard.enterprise_id == visit.enterprise_id,
            _("The hidden danger is not at the visited enterprise."),
            "hazard",
        )
    require(bool(findings.strip()), _("Describe the problems found."), "findings")
    today = timezone.localdate()
    if kind == DocumentKind.ORDER:
        require(deadline is not None, _("Give the day by which it must be rectified."), "deadline")
        require(
            deadline is None or deadline >= today,
            _("The deadline cannot be in the past."),
            "deadline",
        )
    else:
        deadline = None if kind == DocumentKind.MEASURES else deadline
    measures = list(dict.fromkeys(measures or ()))
    if kind == DocumentKind.MEASURES:
        require(bool(measures), _("Choose at least one measure."), "measures")
        require(set(measures) <= set(OnSiteMeasure.values), _("Choose from the list."), "measures")
        require(
            bool(measure_scope.strip()),
            _("Name the equipment or area concerned."),
            "measure_scope",
        )
    else:
        measures, measure_scope = [], ""
    if kind != DocumentKind.RECHECK:
        result = ""
    issuer = issuing_department(enterprise.region_code)
    title, word = DOCUMENT_TITLES[DocumentKind(kind)]
    del title
    sequence, number = take_number(issuer, kind, word, today.year)
    document = Document(
        kind=kind,
        enterprise=enterprise,
        region_code=enterprise.region_code,
        visit=visit,
        hazard=hazard,
        original=original,
        issuer=issuer,
        year=today.year,
        sequence=sequence,
        number=number,
        findings=findings.strip(),
        requirements=requirements.strip(),
        legal_basis=legal_basis.strip(),
        deadline=deadline,
        measures=measures,
        measure_scope=measure_scope.strip(),
        result=result,
        issued_by=actor,
    )
    DOCUMENT_WORKFLOW.apply(document, "issue", actor_kinds(actor, document))
    document.save(action="enforcement.document.issue")
    track(document)
    if original is not None:
        original = lock(Document, actor, original.pk)
        DOCUMENT_WORKFLOW.apply(original, "close", actor_kinds(actor, original))
        original.closed_at = timezone.now()
        bump(original)
        original.save(action="enforcement.document.close")
    return document


@service
def serve_document(
    *, actor, document, version, signed_by="", refused=False, refusal_note=""
) -> Document:
    """Record service: who signed for the enterprise, or that it refused and how the
    refusal was witnessed (留置送达)."""
    document = lock(Document, actor, document.pk, version=version)
    DOCUMENT_WORKFLOW.apply(document, "serve", actor_kinds(actor, document))
    if refused:
        require(
            bool(refusal_note.strip()),
            _("Say how the refusal was witnessed."),
            "refusal_note",
        )
        signed_by = ""
    else:
        require(bool(signed_by.strip()), _("Name who signed for the enterprise."), "signed_by")
        refusal_note = ""
    document.signed_by, document.refused = signed_by.strip(), bool(refused)
    document.refusal_note = refusal_note.strip()
    document.served_at = timezone.now()
    bump(document)
    document.save(action="enforcement.document.serve")
    return document


@service
def acknowledge_document(*, actor, document, version) -> Document:
    document = lock(Document, actor, document.pk, action="acknowledge", version=version)
    DOCUMENT_WORKFLOW.apply(document, "acknowledge", actor_kinds(actor, document))
    document.acknowledged_at, document.acknowledged_by = timezone.now(), actor
    bump(document)
    document.save(action="enforcement.document.acknowledge")
    return document


@service
def close_document(*, actor, document, version) -> Document:
    document = lock(Document, actor, document.pk, version=version)
    DOCUMENT_WORKFLOW.apply(document, "close", actor_kinds(actor, document))
    document.closed_at = timezone.now()
    bump(document)
    document.save(action="enforcement.document.close")
    return document


@service
def void_document(*, actor, document, version, reason="") -> Document:
    """A document issued in error is voided, never deleted; its number stays used."""
    document = lock(Document, actor, document.pk, version=version)
    DOCUMENT_WORKFLOW.apply(document, "void", actor_kinds(actor, document))
    require(bool(reason.strip()), _("Give the reason."), "reason")
    document.void_reason = reason.strip()
    bump(document)
    document.save(action="enforcement.document.void")
    return document


# ------------------------------------------------------------------ penalty cases
@service
def file_case(*, actor, facts, visit=None, hazard=None, enterprise=None) -> PenaltyCase:
    """立案: open an administrative penalty case from a visit or a hidden danger."""
    from safeloop.hazards.models import Hazard
    from safeloop.inspections.models import Visit

    visit = _visible(Visit, actor, visit, "visit")
    hazard = _visible(Hazard, actor, hazard, "hazard")
    source = visit or hazard
    require(source is not None, _("Open a case from a visit or a hidden danger."), "visit")
    if visit is not None and hazard is not None:
        require(
            hazard.enterprise_id == visit.enterprise_id,
            _("The hidden danger is not at the visited enterprise."),
            "hazard",
        )
    enterprise = source.enterprise
    require(bool(facts.strip()), _("Describe the facts of the case."), "facts")
    today = timezone.localdate()
    issuer = issuing_department(enterprise.region_code)
    number = take_number(issuer, "case", "立", today.year)[1]
    case = PenaltyCase(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        visit=visit,
        hazard=hazard,
        issuer=issuer,
        number=number,
        facts=facts.strip(),
        filed_by=actor,
    )
    CASE_WORKFLOW.apply(case, "file", actor_kinds(actor, case))
    case.save(action="enforcement.case.file")
    track(case)
    return case


def _move_case(actor, case, version, move, action="change") -> PenaltyCase:
    case = lock(PenaltyCase, actor, case.pk, action=action, version=version)
    CASE_WORKFLOW.apply(case, move, actor_kinds(actor, case))
    return case


@service
def investigate_case(*, actor, case, version) -> PenaltyCase:
    case = _move_case(actor, case, version, "investigate")
    bump(case)
    case.save(action="enforcement.case.investigate")
    return case


@service
def notify_case(*, actor, case, version, findings, basis, fine) -> PenaltyCase:
    """告知: the findings, the provision and the proposed fine are put to the party."""
    case = _move_case(actor, case, version, "notify")
    require(bool((findings or "").strip()), _("Give the findings."), "findings")
    basis = _current_basis(basis)
    try:
        fine = Decimal(str(fine))
    except Exception:  # noqa: BLE001 — any unreadable amount is the same 400
        fine = None
    require(fine is not None and fine.is_finite(), _("Give the fine in yuan."), "fine")
    require(
        basis.fine_min <= fine <= basis.fine_max,
        _("The fine must lie between %(low)s and %(high)s yuan under this provision.")
        % {"low": basis.fine_min, "high": basis.fine_max},
        "fine",
    )
    case.findings, case.basis, case.fine = findings.strip(), basis, fine
    case.notified_at = timezone.now()
    bump(case)
    case.save(action="enforcement.case.notify")
    return case


def _current_basis(basis) -> LegalBasis:
    require(basis is not None, _("Choose the legal basis."), "basis")
    found = LegalBasis.objects.filter(pk=getattr(basis, "pk", basis)).first()
    if found is None:
        raise Invalid(_("Choose the legal basis."), field="basis")
    current = selectors.current_bases().get(found.code)
    require(
        current is not None and current.pk == found.pk,
        _("This provision has been replaced; choose the version in force."),
        "basis",
    )
    return found


@service
def decide_case(*, actor, case, version) -> PenaltyCase:
    """决定: an administrator decides; the decision is numbered and announced to listeners."""
    case = _move_case(actor, case, version, "decide", action="decide")
    today = timezone.localdate()
    case.decision_number = take_number(case.issuer, "penalty-decision", "罚", today.year)[1]
    case.decided_at, case.decided_by = timezone.now(), actor
    bump(case)
    case.save(action="enforcement.case.decide")
    signals.decided.send(sender=PenaltyCase, decision=selectors.decision_of_case(case))
    return case


@service
def execute_case(*, actor, case, version, note) -> PenaltyCase:
    case = _move_case(actor, case, version, "execute")
    require(bool((note or "").strip()), _("Say how the decision was carried out."), "note")
    case.execution_note, case.executed_at = note.strip(), timezone.now()
    bump(case)
    case.save(action="enforcement.case.execute")
    return case


@service
def close_case(*, actor, case, version) -> PenaltyCase:
    case = _move_case(actor, case, version, "close")
    case.closed_at = timezone.now()
    bump(case)
    case.save(action="enforcement.case.close")
    return case


@service
def withdraw_case(*, actor, case, version, reason) -> PenaltyCase:
    case = _move_case(actor, case, version, "withdraw")
    require(bool((reason or "").strip()), _("Give the reason."), "reason")
    case.withdraw_reason = reason.strip()
    bump(case)
    case.save(action="enforcement.case.withdraw")
    return case


# ------------------------------------------------------------------ rules as data
def _editor(actor) -> None:
    from safeloop.core.errors import NotPermitted

    if not actor.roles & RULE_EDITORS:
        raise NotPermitted()


@service
def add_trigger_rule(
    *,
    actor,
    kind,
    params,
    measure,
    approval_level,
    effective_from: date,
    source,
    enabled=True,
    notes="",
) -> TriggerRule:
    """A new version of a trigger's settings; the old rows stay as the record of the past."""
    _editor(actor)
    require(kind in REGISTRY, _("Choose a trigger."), "kind")
    for name, message in param_errors(kind, params).items():
        require(False, message, "params")
        del name
    require(measure in SanctionKind.values, _("Choose a measure."), "measure")
    require(approval_level in ApprovalLevel.values, _("Choose a level."), "approval_level")
    require(bool((source or "").strip()), _("Name the source."), "source")
    require(
        not TriggerRule.objects.filter(kind=kind, effective_from=effective_from).exists(),
        _("A version of this trigger already starts on that day."),
        "effective_from",
    )
    rule = TriggerRule(
        kind=kind,
        params=params,
        measure=measure,
        approval_level=approval_level,
        effective_from=effective_from,
        source=source.strip(),
        enabled=bool(enabled),
        notes=notes,
    )
    rule.save(action="enforcement.trigger.add")
    return rule


@service
def add_legal_basis(
    *,
    actor,
    code,
    title,
    offence,
    fine_min,
    fine_max,
    effective_from: date,
    source,
    ground=PenaltyGround.ORDINARY,
) -> LegalBasis:
    _editor(actor)
    require(bool((code or "").strip()), _("Give a code."), "code")
    require(fine_min is not None and fine_min >= 0, _("Give the lowest fine."), "fine_min")
    require(
        fine_max is not None and fine_max >= fine_min,
        _("The highest fine cannot be below the lowest."),
        "fine_max",
    )
    require(bool((source or "").strip()), _("Name the source."), "source")
    require(ground in PenaltyGround.values, _("Choose from the list."), "ground")
    require(
        not LegalBasis.objects.filter(code=code.strip(), effective_from=effective_from).exists(),
        _("A version of this provision already starts on that day."),
        "effective_from",
    )
    basis = LegalBasis(
        code=code.strip(),
        title=title.strip(),
        offence=offence.strip(),
        fine_min=fine_min,
        fine_max=fine_max,
        ground=ground,
        effective_from=effective_from,
        source=source.strip(),
    )
    basis.save(action="enforcement.basis.add")
    return basis


# ------------------------------------------------------------------ triggers and proposals
def evaluate_triggers(today: date | None = None) -> dict:
    """Raise a proposal for every new finding of every trigger rule in force. Safe to repeat:
    a finding already proposed (same kind and key) is skipped, also under a concurrent run."""
    today = today or timezone.localdate()
    raised: dict[str, int] = {}
    for kind, rule in selectors.rules_in_force(today).items():
        trigger = REGISTRY.get(kind)
        if trigger is None or not rule.enabled or not trigger.available():
            continue
        findings = list(trigger.find(rule.params, today))
        known = set(
            Proposal.objects.filter(kind=kind, key__in=[f.key for f in findings]).values_list(
                "key", flat=True
            )
        )
        count = 0
        for finding in findings:
            if finding.key in known:
                continue
            proposal = Proposal(
                rule=rule,
                kind=kind,
                key=finding.key,
                enterprise_id=finding.enterprise_id,
                region_code=finding.region_code,
                hazard_id=finding.hazard_id,
                accident_id=finding.accident_id,
                accountability_id=finding.accountability_id,
                summary=finding.summary[:300],
                evidence=finding.evidence,
            )
            PROPOSAL_WORKFLOW.apply(proposal, "raise", {SYSTEM})
            try:
                with transaction.atomic():
                    proposal.save(action="enforcement.proposal.raise")
            except IntegrityError:
                continue  # raised by a concurrent run
            count += 1
        raised[kind] = count
    return raised


@service
def dismiss_proposal(*, actor, proposal, version, reason) -> Proposal:
    proposal = lock(Proposal, actor, proposal.pk, version=version)
    PROPOSAL_WORKFLOW.apply(proposal, "dismiss", actor_kinds(actor, proposal))
    require(bool((reason or "").strip()), _("Give the reason."), "reason")
    proposal.dismiss_reason, proposal.decided_by = reason.strip(), actor
    bump(proposal)
    proposal.save(action="enforcement.proposal.dismiss")
    return proposal


@service
def accept_proposal(*, actor, proposal, version, **fields) -> Sanction:
    """Draft the measure the proposal calls for (its rule's measure and level by default)."""
    proposal = lock(Proposal, actor, proposal.pk, version=version)
    PROPOSAL_WORKFLOW.apply(proposal, "accept", actor_kinds(actor, proposal))
    proposal.decided_by = actor
    bump(proposal)
    proposal.save(action="enforcement.proposal.accept")
    fields.setdefault("kind", proposal.rule.measure)
    fields.setdefault("approval_level", proposal.rule.approval_level)
    fields.setdefault("target_kind", TargetKind.ENTERPRISE)
    fields.setdefault("reason", proposal.summary)
    fields["enterprise"] = proposal.enterprise
    return draft_sanction(actor=actor, proposal=proposal, **fields)


# ------------------------------------------------------------------ measures
@service
def draft_sanction(
    *,
    actor,
    kind,
    target_kind,
    reason,
    approval_level,
    enterprise=None,
    department=None,
    person_name="",
    person_post="",
    public=None,
    respond_by: date | None = None,
    proposal=None,
    interview_at: datetime | None = None,
    interview_place="",
    interview_parties="",
) -> Sanction:
    from safeloop.enforcement.choices import PUBLIC_BY_DEFAULT

    require(kind in SanctionKind.values, _("Choose a measure."), "kind")
    require(target_kind in TargetKind.values, _("Choose whom it is against."), "target_kind")
    require(approval_level in ApprovalLevel.values, _("Choose a level."), "approval_level")
    require(bool((reason or "").strip()), _("Give the facts and the reason."), "reason")
    enterprise = _visible(Enterprise, actor, enterprise, "enterprise")
    department = _visible(Department, actor, department, "department")
    if target_kind == TargetKind.DEPARTMENT:
        require(department is not None, _("Choose the department."), "department")
        require(
            department.kind != DepartmentKind.CITY_BUREAU,
            _("Measures are against county or park departments."),
            "department",
        )
        enterprise = None
        region_code = department.region_code
    else:
        require(enterprise is not None, _("Choose the enterprise."), "enterprise")
        department = None
        region_code = enterprise.region_code
    if target_kind == TargetKind.PERSON:
        require(bool(person_name.strip()), _("Name the person."), "person_name")
        require(bool(person_post.strip()), _("Give the person's post."), "person_post")
    else:
        person_name = person_post = ""
    if kind == SanctionKind.INTERVIEW:
        require(interview_at is not None, _("Give the time of the interview."), "interview_at")
        require(bool(interview_place.strip()), _("Give the place."), "interview_place")
    sanction = Sanction(
        kind=kind,
        target_kind=target_kind,
        enterprise=enterprise,
        department=department,
        person_name=person_name.strip(),
        person_post=person_post.strip(),
        region_code=region_code,
        proposal=proposal,
        reason=reason.strip(),
        approval_level=approval_level,
        public=(kind in PUBLIC_BY_DEFAULT) if public is None else bool(public),
        respond_by=respond_by,
        drafted_by=actor,
        interview_at=interview_at,
        interview_place=interview_place.strip(),
        interview_parties=interview_parties.strip(),
    )
    SANCTION_WORKFLOW.apply(sanction, "draft", actor_kinds(actor, sanction))
    sanction.save(action="enforcement.sanction.draft")
    track(sanction)
    return sanction


@service
def approve_sanction(*, actor, sanction, version, public=None) -> Sanction:
    """Approve and issue: the notice is numbered, the hazard's accountability record (if the
    measure came from one) takes the sanction, and listeners hear of the decision."""
    from safeloop.hazards.models import Accountability

    sanction = lock(Sanction, actor, sanction.pk, action="approve", version=version)
    SANCTION_WORKFLOW.apply(sanction, "approve", actor_kinds(actor, sanction))
    if public is not None:
        sanction.public = bool(public)
    today = timezone.localdate()
    sanction.issuer = issuing_department(
        sanction.region_code, city=sanction.approval_level == ApprovalLevel.CITY
    )
    sanction.number = take_number(sanction.issuer, "sanction", "追责", today.year)[1]
    sanction.approved_by, sanction.approved_at = actor, timezone.now()
    bump(sanction)
    sanction.save(action="enforcement.sanction.approve")
    if sanction.proposal_id and sanction.proposal.accountability_id:
        record = Accountability.objects.select_for_update().get(
            pk=sanction.proposal.accountability_id
        )
        record.sanction = f"{sanction.get_kind_display()}（{sanction.number}）"[:100]
        record.save(action="hazards.accountability.sanction")
    signals.decided.send(sender=Sanction, decision=selectors.decision_of_sanction(sanction))
    return sanction


@service
def reject_sanction(*, actor, sanction, version, reason) -> Sanction:
    sanction = lock(Sanction, actor, sanction.pk, action="approve", version=version)
    SANCTION_WORKFLOW.apply(sanction, "reject", actor_kinds(actor, sanction))
    require(bool((reason or "").strip()), _("Give the reason."), "reason")
    sanction.reject_reason = reason.strip()
    bump(sanction)
    sanction.save(action="enforcement.sanction.reject")
    return sanction


@service
def record_interview(*, actor, sanction, version, record, parties="", commitments=()) -> Sanction:
    """The interview's record, and the commitments made, each tracked until done."""
    sanction = lock(Sanction, actor, sanction.pk, version=version)
    SANCTION_WORKFLOW.apply(sanction, "record_interview", actor_kinds(actor, sanction))
    require(
        sanction.kind == SanctionKind.INTERVIEW,
        _("Only an interview has a record."),
        "record",
    )
    require(bool((record or "").strip()), _("Write what was said."), "record")
    today = timezone.localdate()
    for text, due in commitments:
        require(bool(text.strip()), _("Write the commitment."), "commitments")
        require(due is not None and due >= today, _("Give a due day from today."), "commitments")
    sanction.interview_record = record.strip()
    if parties.strip():
        sanction.interview_parties = parties.strip()
    bump(sanction)
    sanction.save(action="enforcement.sanction.record_interview")
    for text, due in commitments:
        item = Commitment(
            sanction=sanction,
            text=text.strip()[:300],
            due_on=due,
            region_code=sanction.region_code,
            enterprise=sanction.enterprise,
        )
        item.save(action="enforcement.commitment.add")
    return sanction


@service
def respond_sanction(*, actor, sanction, version, response) -> Sanction:
    """The recipient's written response (书面检查 …), uploaded as a PDF."""
    sanction = lock(Sanction, actor, sanction.pk, action="respond", version=version)
    SANCTION_WORKFLOW.apply(sanction, "respond", actor_kinds(actor, sanction))
    sanction.response = clean_pdf(response, field="response")
    sanction.responded_at = timezone.now()
    bump(sanction)
    sanction.save(action="enforcement.sanction.respond")
    return sanction


@service
def close_sanction(*, actor, sanction, version) -> Sanction:
    sanction = lock(Sanction, actor, sanction.pk, version=version)
    SANCTION_WORKFLOW.apply(sanction, "close", actor_kinds(actor, sanction))
    sanction.closed_at = timezone.now()
    bump(sanction)
    sanction.save(action="enforcement.sanction.close")
    return sanction


@service
def complete_commitment(*, actor, commitment, version, note) -> Commitment:
    commitment = lock(Commitment, actor, commitment.pk, version=version)
    require(commitment.done_at is None, _("Already recorded as done."), "note")
    require(bool((note or "").strip()), _("Say what was done."), "note")
    commitment.done_at, commitment.done_note = timezone.now(), note.strip()
    bump(commitment)
    commitment.save(action="enforcement.commitment.done")
    return commitment

"""Reads of the enforcement app, and the public functions other apps call:

- `decisions_for(enterprise)`: every penalty decision and approved measure of accountability
  against the enterprise (or a person of it), oldest first, as `Decision` rows;
- `signals.decided`: sent when one is decided (see signals.py).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeloop.core.todo import Todo
from safeloop.enforcement.choices import (
    CaseState,
    DocumentKind,
    DocumentState,
    ProposalState,
    SanctionKind,
    SanctionState,
)
from safeloop.enforcement.models import (
    Commitment,
    Document,
    LegalBasis,
    PenaltyCase,
    Proposal,
    Sanction,
    TriggerRule,
)

DECIDED_CASE_STATES = (CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED)
ISSUED_SANCTION_STATES = (SanctionState.APPROVED, SanctionState.RESPONDED, SanctionState.CLOSED)


@dataclass(frozen=True)
class Decision:
    """One decided penalty or measure. `kind` is "penalty" or a SanctionKind value."""

    kind: str
    label: str
    number: str
    decided_at: datetime
    enterprise_id: int | None
    department_id: int | None
    person_name: str
    fine: Decimal | None
    public: bool
    source_model: str  # "enforcement.PenaltyCase" or "enforcement.Sanction"
    source_id: int


def decision_of_case(case: PenaltyCase) -> Decision:
    assert case.decided_at is not None
    return Decision(
        kind="penalty",
        label="行政处罚",
        number=case.decision_number,
        decided_at=case.decided_at,
        enterprise_id=case.enterprise_id,
        department_id=None,
        person_name="",
        fine=case.fine,
        public=True,
        source_model="enforcement.PenaltyCase",
        source_id=case.pk,
    )


def decision_of_sanction(sanction: Sanction) -> Decision:
    assert sanction.approved_at is not None
    return Decision(
        kind=sanction.kind,
        label=str(SanctionKind(sanction.kind).label),
        number=sanction.number,
        decided_at=sanction.approved_at,
        enterprise_id=sanction.enterprise_id,
        department_id=sanction.department_id,
        person_name=sanction.person_name,
        fine=None,
        public=sanction.public,
        source_model="enforcement.Sanction",
        source_id=sanction.pk,
    )


def decisions_for(enterprise) -> list[Decision]:
    """Every decided penalty and issued measure against `enterprise` (an Enterprise or its
    id), oldest first. No scope applies: the caller decides who reads the result."""
    pk = getattr(enterprise, "pk", enterprise)
    cases = PenaltyCase.objects.filter(enterprise_id=pk, state__in=DECIDED_CASE_STATES)
    sanctions = Sanction.objects.filter(enterprise_id=pk, state__in=ISSUED_SANCTION_STATES)
    found = [decision_of_case(c) for c in cases] + [decision_of_sanction(s) for s in sanctions]
    return sorted(found, key=lambda d: (d.decided_at, d.source_model, d.source_id))


# ------------------------------------------------------------------ rules
def rules_in_force(today: date | None = None) -> dict[str, TriggerRule]:
    """Per trigger kind, the version in force on `today`."""
    today = today or timezone.localdate()
    found: dict[str, TriggerRule] = {}
    for rule in TriggerRule.objects.filter(effective_from__lte=today).order_by(
        "kind", "-effective_from", "-id"
    ):
        found.setdefault(rule.kind, rule)
    return found


def current_bases(today: date | None = None) -> dict[str, LegalBasis]:
    today = today or timezone.localdate()
    found: dict[str, LegalBasis] = {}
    for basis in LegalBasis.objects.filter(effective_from__lte=today).order_by(
        "code", "-effective_from", "-id"
    ):
        found.setdefault(basis.code, basis)
    return found


# ------------------------------------------------------------------ lists
def documents_for(user) -> QuerySet[Document]:
    return Document.objects.for_user(user, "view").select_related("enterprise")


def documents_of(user, *, visit=None, hazard=None, enterprise=None) -> list[Document]:
    """The documents a record's page lists, those the reader may see."""
    rows = documents_for(user)
    if visit is not None:
        rows = rows.filter(visit=visit)
    if hazard is not None:
        rows = rows.filter(Q(hazard=hazard) | Q(original__hazard=hazard))
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    return list(rows.order_by("-issued_at", "-id")[:50])


def cases_for(user) -> QuerySet[PenaltyCase]:
    return PenaltyCase.objects.for_user(user, "view").select_related("enterprise", "basis")


def proposals_for(user) -> QuerySet[Proposal]:
    return Proposal.objects.for_user(user, "view").select_related("enterprise", "rule")


def sanctions_for(user) -> QuerySet[Sanction]:
    return Sanction.objects.for_user(user, "view").select_related("enterprise", "department")


def overdue_orders(today: date, grace_days: int = 0) -> QuerySet[Document]:
    """Served orders whose deadline passed more than `grace_days` days ago, no re-check yet."""
    return Document.objects.filter(
        kind=DocumentKind.ORDER,
        state__in=(DocumentState.SERVED, DocumentState.ACKNOWLEDGED),
        deadline__lt=today - timedelta(days=grace_days),
    )


# ------------------------------------------------------------------ public
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def scrub(text: str) -> str:
    """Published text without ID numbers or telephone numbers."""
    text = ID_NUMBER.sub("＊＊＊", text)
    text = PHONE.sub("＊＊＊", text)
    return LANDLINE.sub("＊＊＊", text)


@dataclass(frozen=True)
class PublicMeasure:
    number: str
    kind: str
    target: str
    reason: str
    issuer: str
    decided_on: date


def published() -> list[PublicMeasure]:
    """Issued public measures for the public site: who (enterprise, department, or a
    person by name and post only), which measure, why, by whom — no ID or phone numbers."""
    rows = (
        Sanction.objects.filter(public=True, state__in=ISSUED_SANCTION_STATES)
        .select_related("enterprise", "department")
        .order_by("-approved_at", "-id")[:200]
    )
    return [
        PublicMeasure(
            number=s.number,
            kind=s.get_kind_display(),
            target=scrub(s.target_label),
            reason=scrub(s.reason),
            issuer=s.issuer,
            decided_on=timezone.localtime(s.approved_at).date() if s.approved_at else date.min,
        )
        for s in rows
    ]


# ------------------------------------------------------------------ to-do
def todo_for(user) -> list[Todo]:
    """Documents to acknowledge and responses and commitments due (enterprise staff);
    proposals to decide, measures to approve and overdue re-checks (regulators)."""
    from safeloop.enforcement.workflow import APPROVER, ENFORCER, actor_kinds

    items: list[Todo] = []
    today = timezone.localdate()
    for doc in documents_for(user).filter(state=DocumentState.SERVED)[:20]:
        if "enterprise" in actor_kinds(user, doc):
            items.append(
                Todo(
                    "执法文书签收",
                    f"{doc.title} {doc.number}",
                    f"/enforcement/documents/{doc.pk}/",
                    since=timezone.localtime(doc.served_at).date() if doc.served_at else None,
                )
            )
    for sanction in sanctions_for(user).filter(state=SanctionState.APPROVED)[:20]:
        kinds = actor_kinds(user, sanction)
        if "enterprise" in kinds and sanction.kind != SanctionKind.INTERVIEW:
            items.append(
                Todo(
                    "追责书面回复",
                    f"{sanction.get_kind_display()} {sanction.number}",
                    f"/enforcement/sanctions/{sanction.pk}/",
                    deadline=sanction.respond_by,
                )
            )
    for item in Commitment.objects.for_user(user, "view").filter(done_at__isnull=True)[:20]:
        if user.roles & {"enterprise_principal", "safety_manager"}:
            items.append(
                Todo(
                    "约谈承诺",
                    item.text[:60],
                    f"/enforcement/sanctions/{item.sanction_id}/",
                    deadline=item.due_on,
                )
            )
    for sanction in sanctions_for(user).filter(state=SanctionState.DRAFTED)[:20]:
        if APPROVER in actor_kinds(user, sanction):
            items.append(
                Todo(
                    "追责审批",
                    str(sanction),
                    f"/enforcement/sanctions/{sanction.pk}/",
                    since=timezone.localtime(sanction.drafted_at).date(),
                )
            )
    for proposal in proposals_for(user).filter(state=ProposalState.OPEN)[:20]:
        if ENFORCER in actor_kinds(user, proposal):
            items.append(
                Todo(
                    "追责建议",
                    proposal.summary[:60],
                    f"/enforcement/proposals/{proposal.pk}/",
                    since=timezone.localtime(proposal.raised_at).date(),
                )
            )
    overdue = documents_for(user).filter(pk__in=overdue_orders(today).values("pk"))[:20]
    for doc in overdue:
        if ENFORCER in actor_kinds(user, doc):
            items.append(
                Todo(
                    "整改复查",
                    f"{doc.enterprise.name} {doc.number}",
                    f"/enforcement/documents/{doc.pk}/",
                    deadline=doc.deadline,
                )
            )
    return items

"""Enforcement documents (执法文书), administrative penalty cases, and accountability before
accidents (事前责任追究): trigger rules as data, the proposals they raise, the measures decided.

Every record reaches its region through `region_code` and its enterprise (when it has one);
numbers come from core's DocumentCounter per issuer, kind and year, inside the issuing
transaction, so a number is never skipped nor repeated."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enforcement.choices import (
    ApprovalLevel,
    CaseState,
    DocumentKind,
    DocumentState,
    PenaltyGround,
    ProposalState,
    RecheckResult,
    SanctionKind,
    SanctionState,
    TargetKind,
)
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role

# Who may issue documents, run penalty cases and draft measures: the law-enforcement
# regulators (city and county inspectors and administrators). Park officers and grid
# inspectors see them but do not issue.
ENFORCERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
)
READERS = REGULATORS | ENTERPRISE_STAFF
RULE_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})

SCOPE_PATHS = {
    "region": "region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


class Document(AuditedModel, Versioned):
    """One numbered enforcement document served on an enterprise."""

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    visit = models.ForeignKey(
        "inspections.Visit",
        verbose_name=_("inspection visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("original order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rechecks",
    )
    issuer = models.CharField(_("issuing department"), max_length=100, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("document number"), max_length=120, editable=False, unique=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=DocumentState.choices,
        default=DocumentState.ISSUED,
        editable=False,
    )
    findings = models.TextField(_("problems found"))
    requirements = models.TextField(_("what the enterprise must do"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    measures = models.JSONField(_("on-site measures"), default=list, blank=True)
    measure_scope = models.CharField(_("equipment or area concerned"), max_length=200, blank=True)
    result = models.CharField(
        _("re-check result"), max_length=8, choices=RecheckResult.choices, blank=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True, editable=False)
    signed_by = models.CharField(_("signed for by"), max_length=50, blank=True)
    refused = models.BooleanField(_("enterprise refused to sign"), default=False)
    refusal_note = models.CharField(_("how the refusal was witnessed"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    void_reason = models.TextField(_("reason voided"), blank=True)

    objects = ScopedManager()
    scope_paths = SCOPE_PATHS
    scope_roles = {
        "view": READERS,
        "change": ENFORCERS,
        "acknowledge": ENTERPRISE_STAFF,
    }

    class Meta:
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year", "sequence"], name="enforcement_document_seq"
            )
        ]
        indexes = [models.Index(fields=["kind", "state", "deadline"])]

    def __str__(self):
        return self.number

    @property
    def title(self) -> str:
        from safeloop.enforcement.choices import DOCUMENT_TITLES

        return DOCUMENT_TITLES[DocumentKind(self.kind)][0]

    @property
    def recheck_overdue(self) -> bool:
        """An order whose deadline has passed with no re-check recorded."""
        return (
            self.kind == DocumentKind.ORDER
            and self.state in (DocumentState.SERVED, DocumentState.ACKNOWLEDGED)
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    def measure_labels(self) -> list[str]:
        from safeloop.enforcement.choices import OnSiteMeasure

        return [str(OnSiteMeasure(m).label) for m in self.measures]


class LegalBasis(AuditedModel):
    """A penalty provision (违法行为 and its fine range), versioned: a change is a new row
    with its own effective date; cases keep the row they used."""

    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("provision"), max_length=200)
    offence = models.TextField(_("offence"))
    fine_min = models.DecimalField(
        _("lowest fine (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    fine_max = models.DecimalField(
        _("highest fine (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    ground = models.CharField(
        _("kind of provision"),
        max_length=12,
        choices=PenaltyGround.choices,
        default=PenaltyGround.ORDINARY,
    )
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["code", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="enforcement_basis_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.offence[:30]}）"


class PenaltyCase(AuditedModel, Versioned):
    """行政处罚案件 from a visit or a hidden danger, through 立案 … 结案."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    visit = models.ForeignKey(
        "inspections.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.CharField(_("department"), max_length=100, editable=False)
    number = models.CharField(_("case number"), max_length=120, editable=False, unique=True)
    decision_number = models.CharField(
        _("decision number"), max_length=120, blank=True, editable=False
    )
    state = models.CharField(
        _("state"),
        max_length=14,
        choices=CaseState.choices,
        default=CaseState.FILED,
        editable=False,
    )
    facts = models.TextField(_("facts of the case"))
    basis = models.ForeignKey(
        LegalBasis,
        verbose_name=_("legal basis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    fine = models.DecimalField(
        _("fine (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    findings = models.TextField(_("investigation findings"), blank=True)
    execution_note = models.TextField(_("how the decision was carried out"), blank=True)
    withdraw_reason = models.TextField(_("reason withdrawn"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, editable=False)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = SCOPE_PATHS
    scope_roles = {"view": READERS, "change": ENFORCERS, "decide": ADMINS}

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return self.number


class TriggerRule(AuditedModel):
    """When a proposal for accountability is raised (事前追究的情形), as data: the trigger kind
    (a key of safeloop.enforcement.triggers.REGISTRY), its parameters, the measure proposed
    and the level that approves it. Add-only: the row in force for a kind is the one with the
    latest `effective_from` not after the day."""

    kind = models.CharField(_("trigger"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    measure = models.CharField(_("measure proposed"), max_length=16, choices=SanctionKind.choices)
    approval_level = models.CharField(_("approved by"), max_length=8, choices=ApprovalLevel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accountability trigger")
        verbose_name_plural = _("accountability triggers")
        ordering = ["kind", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="enforcement_trigger_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.effective_from}"

    @property
    def label(self) -> str:
        from safeloop.enforcement.triggers import REGISTRY

        found = REGISTRY.get(self.kind)
        return str(found.label) if found else self.kind


class Proposal(AuditedModel, Versioned):
    """A proposal for accountability raised by a trigger, with its evidence. Raised once per
    trigger kind and key (the hazard and its deadline, the accident …)."""

    rule = models.ForeignKey(
        TriggerRule, verbose_name=_("trigger"), on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(_("trigger"), max_length=40, editable=False)
    key = models.CharField(max_length=100, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accident = models.ForeignKey(
        "accidents.Accident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accountability = models.ForeignKey(
        "hazards.Accountability",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(pgettext_lazy("digest", "summary"), max_length=300)
    evidence = models.JSONField(_("evidence"), default=dict)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ProposalState.choices,
        default=ProposalState.OPEN,
        editable=False,
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    dismiss_reason = models.TextField(_("reason dismissed"), blank=True)

    objects = ScopedManager()
    scope_paths = SCOPE_PATHS
    scope_roles = {"view": REGULATORS, "change": ENFORCERS}

    class Meta:
        verbose_name = _("accountability proposal")
        verbose_name_plural = _("accountability proposals")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="enforcement_proposal_once")
        ]

    def __str__(self):
        return self.summary


class Sanction(AuditedModel, Versioned):
    """A measure of accountability (约谈, 通报批评, 黄牌警告, 书面检查, 公开检查, 取消评先评优)
    against an enterprise, a person or a county or park department."""

    kind = models.CharField(_("measure"), max_length=16, choices=SanctionKind.choices)
    target_kind = models.CharField(_("against"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(_("person"), max_length=50, blank=True)
    person_post = models.CharField(_("post"), max_length=100, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    reason = models.TextField(_("facts and reason"))
    approval_level = models.CharField(_("approved by"), max_length=8, choices=ApprovalLevel.choices)
    public = models.BooleanField(_("published on the public site"), default=False)
    respond_by = models.DateField(_("written response due"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SanctionState.choices,
        default=SanctionState.DRAFTED,
        editable=False,
    )
    issuer = models.CharField(_("department"), max_length=100, blank=True, editable=False)
    number = models.CharField(_("notice number"), max_length=120, blank=True, editable=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    reject_reason = models.TextField(_("reason not approved"), blank=True)
    # 约谈: when, where, who took part, what was said.
    interview_at = models.DateTimeField(_("interview time"), null=True, blank=True)
    interview_place = models.CharField(_("interview place"), max_length=200, blank=True)
    interview_parties = models.TextField(_("who takes part"), blank=True)
    interview_record = models.TextField(_("interview record"), blank=True)
    response = models.FileField(
        _("written response (PDF)"), upload_to="enforcement/responses/%Y/", blank=True
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = SCOPE_PATHS
    scope_roles = {
        "view": READERS,
        "change": ENFORCERS,
        "approve": ADMINS,
        "respond": ENTERPRISE_STAFF | ENFORCERS,
    }

    class Meta:
        verbose_name = _("accountability measure")
        verbose_name_plural = _("accountability measures")
        ordering = ["-drafted_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.target_kind == TargetKind.DEPARTMENT and self.department_id:
            return self.department.name
        if self.target_kind == TargetKind.PERSON:
            where = self.enterprise.name if self.enterprise_id else ""
            return "".join(p for p in (where, self.person_post, self.person_name) if p)
        return self.enterprise.name if self.enterprise_id else ""


class Commitment(AuditedModel, Versioned):
    """A commitment made at an interview (约谈), tracked until done."""

    sanction = models.ForeignKey(
        Sanction, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.CharField(_("commitment"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_note = models.TextField(_("what was done"), blank=True)
    region_code = models.CharField(max_length=6, editable=False, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    scope_paths = SCOPE_PATHS
    scope_roles = {"view": READERS, "change": ENFORCERS | ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.text

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

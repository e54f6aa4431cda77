"""Source control (源头治理) and the government-bought expert service for small and micro
enterprises.

- The expert pool (`ExpertProfile`) with each expert's declared ties to enterprises
  (`ExpertRelation`); contracts (`ServiceContract`), the assignment of experts to enterprises
  under a contract (`ExpertAssignment`, never to an enterprise the expert is tied to), the
  experts' visits and their findings (`ExpertVisit`, `VisitFinding`), which become hidden
  dangers through the hazards app.
- The catalogue of obsolete processes and equipment (`CatalogueEntry`, rules as data, add
  only), each enterprise's process and equipment inventory (`InventoryItem`) and the matches
  between them (`CatalogueMatch`, one hidden danger each).
- The backward-capacity elimination list (`EliminationItem` with `Milestone`s), licence
  cancellation after a lapse (`LicenceCancellation`) and stop-and-rectify orders
  (`StopOrder`) with their resumption.

Writes with rules go through `services`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise, EnterpriseChild, Licence
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.sourcecontrol.choices import (
    CancellationState,
    Confidence,
    EliminationState,
    EntryAction,
    ItemKind,
    RelationKind,
    StopScope,
    StopState,
)

EXPERTS = frozenset({Role.EXPERT})
# Who keeps the expert pool, the contracts and the assignments: the administrators (they
# are the ones who may grant the expert role that an assignment gives).
POOL_KEEPERS = frozenset(ADMINS)
# Who adds catalogue versions.
CATALOGUE_EDITORS = frozenset(ADMINS)

ENTERPRISE_PATHS = {
    "region": "enterprise__region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


# ---------------------------------------------------------------- experts
class ExpertProfile(Versioned, AuditedModel):
    """One expert of the pool (专家库): an account holding (or to hold) the expert role, kept
    by the administrators of `region_code`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("service organisation"), max_length=200, blank=True)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    active = models.BooleanField(_("in the pool"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": REGULATORS, "change": POOL_KEEPERS}

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ExpertRelation(AuditedModel):
    """A tie between an expert and an enterprise (employer, former employer, shares, a close
    relative, paid service…). While it is not voided the expert is never assigned to that
    enterprise; recording it withdraws running assignments there."""

    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="relations"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = {"region": "expert__region_code"}
    scope_roles = {"view": REGULATORS, "change": POOL_KEEPERS}

    class Meta:
        verbose_name = _("expert relation")
        verbose_name_plural = _("expert relations")
        ordering = ["expert_id", "-declared_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "enterprise", "kind"],
                condition=Q(voided_at__isnull=True),
                name="sourcecontrol_relation_once",
            )
        ]

    def __str__(self):
        return f"{self.expert} · {self.get_kind_display()} · {self.enterprise}"


class ServiceContract(Versioned, AuditedModel):
    """A government purchase of expert service (政府购买服务) for small and micro
    enterprises of one region."""

    number = models.CharField(_("contract number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("service organisation"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    visits_per_enterprise = models.PositiveSmallIntegerField(
        _("visits per enterprise"), default=2, validators=[MaxValueValidator(52)]
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": REGULATORS, "change": POOL_KEEPERS}

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="sourcecontrol_contract_number")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class ExpertAssignment(Versioned, AuditedModel):
    """An expert advising one enterprise under a contract. Never made where the expert has a
    relation to the enterprise; withdrawn (kept) when one is declared later."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = ENTERPRISE_PATHS
    scope_roles = {"view": REGULATORS | ENTERPRISE_STAFF | EXPERTS, "change": POOL_KEEPERS}

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "expert", "enterprise"],
                condition=Q(withdrawn_at__isnull=True),
                name="sourcecontrol_assignment_once",
            )
        ]

    def __str__(self):
        return f"{self.expert} → {self.enterprise}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class ExpertVisit(Versioned, AuditedModel):
    """One visit of an assigned expert, with what was found (`findings`). The enterprise's
    staff or a regulator register the findings as hidden dangers."""

    assignment = models.ForeignKey(
        ExpertAssignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    summary = models.TextField(_("guidance given"))
    registered_at = models.DateTimeField(
        _("findings registered at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ENTERPRISE_PATHS
    scope_roles = {
        "view": REGULATORS | ENTERPRISE_STAFF | EXPERTS,
        "change": REGULATORS | ENTERPRISE_STAFF | EXPERTS,
    }

    class Meta:
        verbose_name = _("expert visit")
        verbose_name_plural = _("expert visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.visited_on}"


class VisitFinding(AuditedModel):
    """One hidden danger the expert found; `hazard` once registered."""

    visit = models.ForeignKey(
        ExpertVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="findings"
    )
    place = models.CharField(_("where it was found"), max_length=200)
    description = models.TextField(_("description"))
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=[("general", _("General")), ("major", _("Major"))],
        default="general",
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to rectify"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    scope_paths = {
        "region": "visit__enterprise__region_code",
        "park": "visit__enterprise__park_id",
        "grid": "visit__enterprise__grid_id",
        "enterprise": "visit__enterprise_id",
    }
    scope_roles = ExpertVisit.scope_roles

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["visit_id", "id"]

    def __str__(self):
        return self.place


# ---------------------------------------------------------------- the catalogue
class CatalogueEntry(AuditedModel):
    """One entry of a national catalogue of obsolete processes and equipment (淘汰落后安全技术
    装备/工艺目录 and similar), with its source, date and how sure the entry is. Rows are added,
    never edited: a newer version of the same `code` with a later `effective_from` replaces
    it from that day; `withdrawn` marks an entry the catalogue dropped."""

    code = models.CharField(_("entry code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    name = models.CharField(_("process or equipment"), max_length=200)
    keywords = models.CharField(
        _("match words"),
        max_length=300,
        help_text=_("Words that name it in an inventory, separated by commas."),
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=20, blank=True)
    capacity_max = models.DecimalField(
        _("obsolete at or below capacity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    action = models.CharField(
        _("catalogue says"),
        max_length=10,
        choices=EntryAction.choices,
        default=EntryAction.ELIMINATE,
    )
    reason = models.TextField(_("why it is obsolete"), blank=True)
    replacement = models.CharField(_("recommended replacement"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    hazard_level = models.CharField(
        _("level of the hidden danger"),
        max_length=10,
        choices=[("general", _("General")), ("major", _("Major"))],
        default="general",
    )
    rectify_days = models.PositiveSmallIntegerField(
        _("days to rectify"), default=90, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    source = models.CharField(_("source"), max_length=300)
    published_on = models.DateField(_("published on"))
    effective_from = models.DateField(_("effective from"))
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    withdrawn = models.BooleanField(_("withdrawn from the catalogue"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["code", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="sourcecontrol_entry_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def words(self) -> list[str]:
        return [w.strip() for w in self.keywords.replace("，", ",").split(",") if w.strip()]

    @property
    def basis(self) -> str:
        return f"{self.source} · {self.code}"

    @classmethod
    def in_force(cls, day=None) -> list["CatalogueEntry"]:
        """The latest version of each code on `day`, without the withdrawn ones."""
        day = day or timezone.localdate()
        found: dict[str, CatalogueEntry] = {}
        for entry in cls.objects.filter(effective_from__lte=day).order_by(
            "code", "-effective_from", "-id"
        ):
            found.setdefault(entry.code, entry)
        return [e for e in found.values() if not e.withdrawn]


class InventoryItem(Versioned, EnterpriseChild):
    """A process or a piece of equipment an enterprise runs (工艺设备清单)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    name = models.CharField(_("name"), max_length=200)
    model_spec = models.CharField(_("model and specification"), max_length=200, blank=True)
    capacity = models.DecimalField(
        _("capacity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=20, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    in_use_since = models.DateField(_("in use since"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["enterprise_id", "kind", "name", "id"]

    def __str__(self):
        return f"{self.name} {self.model_spec}".strip()


class CatalogueMatch(EnterpriseChild):
    """An inventory item that a catalogue entry names, and the hidden danger it became. One
    per item and entry code: matching again finds it and adds nothing."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        InventoryItem,
        verbose_name=_("inventory item"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    entry = models.ForeignKey(
        CatalogueEntry,
        verbose_name=_("catalogue entry"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry_code = models.CharField(_("entry code"), max_length=40)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("matched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue match")
        verbose_name_plural = _("catalogue matches")
        ordering = ["-matched_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "entry_code"], name="sourcecontrol_match_once")
        ]

    def __str__(self):
        return f"{self.item} ~ {self.entry_code}"


# ---------------------------------------------------------------- elimination list
class EliminationItem(Versioned, EnterpriseChild):
    """One line of the backward-capacity elimination list (淘汰落后产能计划)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("plan year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    capacity = models.CharField(_("capacity to eliminate"), max_length=200)
    reason = models.TextField(_("why it is listed"))
    entry = models.ForeignKey(
        CatalogueEntry,
        verbose_name=_("catalogue entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("eliminate by"))
    state = models.CharField(
        _("state"), max_length=10, choices=EliminationState.choices, default=EliminationState.LISTED
    )
    report = models.TextField(_("how it was eliminated"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verification = models.TextField(_("verification"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("elimination item")
        verbose_name_plural = _("elimination list")
        ordering = ["state", "deadline", "id"]

    def __str__(self):
        return f"{self.enterprise} · {self.capacity}"


class Milestone(EnterpriseChild):
    """A step of an elimination with its date (停产, 拆除, 验收 …)."""

    item = models.ForeignKey(
        EliminationItem,
        verbose_name=_("elimination item"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["item_id", "due_on", "id"]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------- licences
class LicenceCancellation(Versioned, EnterpriseChild):
    """注销 of a safety licence that lapsed without a renewal: proposed (by the daily scan or a
    regulator), the enterprise notified, then cancelled — or withdrawn when it turns out
    renewed."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    licence = models.ForeignKey(
        Licence, verbose_name=_("licence"), on_delete=models.PROTECT, related_name="+"
    )
    lapsed_on = models.DateField(_("lapsed on"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=CancellationState.choices,
        default=CancellationState.PROPOSED,
    )
    notice = models.TextField(_("notice to the enterprise"), blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, editable=False)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_roles = {"view": ALL_ROLES, "change": REGULATORS}

    class Meta:
        verbose_name = _("licence cancellation")
        verbose_name_plural = _("licence cancellations")
        ordering = ["-lapsed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=~Q(state="withdrawn"),
                name="sourcecontrol_cancellation_open_once",
            )
        ]

    def __str__(self):
        return f"{self.licence} · {self.get_state_display()}"


# ---------------------------------------------------------------- stop and rectify
class StopOrder(Versioned, EnterpriseChild):
    """责令停产整顿: ordered by a regulator; the enterprise applies to resume once rectified;
    a regulator inspects; an administrator who did not inspect approves."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("order number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    scope = models.CharField(
        _("stopped"), max_length=10, choices=StopScope.choices, default=StopScope.WHOLE
    )
    reason = models.TextField(_("reason"))
    requirements = models.TextField(_("rectification required"))
    state = models.CharField(
        _("state"), max_length=10, choices=StopState.choices, default=StopState.ORDERED
    )
    application = models.TextField(_("rectification done"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspection = models.TextField(_("inspection findings"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision = models.TextField(_("decision"), blank=True)
    rounds = models.PositiveSmallIntegerField(_("applications"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stop-and-rectify order")
        verbose_name_plural = _("stop-and-rectify orders")
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="sourcecontrol_stop_number")]

    def __str__(self):
        return self.number

"""Checklists and the data that says which apply to an enterprise.

Official checklists are built from the criteria (every item major); general, sector and
feature checklists are the administrator's; custom ones belong to a department or to one
enterprise. `ApplicabilityRule` rows decide, from the enterprise's sector and risk features,
which checklists apply (see `selectors.applicable_checklists`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedQuerySet
from safeloop.enterprises.choices import RISK_FEATURES, Sector
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category
from safeloop.inspections.choices import ChecklistKind
from safeloop.inspections.models.criteria import CriteriaStandard, Criterion
from safeloop.inspections.models.plans import PLANNERS
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF


class ChecklistQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view", *, roles=None):
        """Shared checklists (no owner) are everyone's to read; owned ones follow scope."""
        scoped = super().for_user(user, action, roles=roles)
        if action != "view" or user is None or not user.is_authenticated:
            return scoped
        shared = self.filter(department__isnull=True, enterprise__isnull=True)
        return shared | scoped


class Checklist(AuditedModel, Versioned):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ChecklistKind.choices)
    standard = models.ForeignKey(
        CriteriaStandard,
        verbose_name=_("standard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("owning department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("owning enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    objects = ChecklistQuerySet.as_manager()
    scope_paths = {"region": "region_code", "enterprise": "enterprise_id"}
    # who may change which owner's checklist is narrowed further in checklist_services
    scope_roles = {"view": ALL_ROLES, "change": ADMINS | PLANNERS | ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(department__isnull=False) & Q(enterprise__isnull=False)),
                name="checklist_one_owner",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        owner = self.enterprise or self.department
        self.region_code = owner.region_code if owner else ""
        super().save(*args, **kwargs)


class ChecklistItem(AuditedModel):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("wording"))
    basis = models.CharField(_("basis (regulation)"), max_length=200, blank=True)
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    category = models.CharField(
        _("default hazard category"), max_length=2, choices=Category.choices, default="1"
    )
    is_major = models.BooleanField(
        _("failing it is a major hidden danger"),
        default=False,
        help_text=_("Always true for an item of the official criteria."),
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criterion__isnull=True) | Q(is_major=True),
                name="checklist_item_criterion_is_major",
                violation_error_message=_("An item of the official criteria is always major."),
            )
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def basis_text(self) -> str:
        return f"{self.basis} {self.clause}".strip()


class ApplicabilityRule(AuditedModel):
    """One condition under which a checklist applies: every enterprise, a sector, or a risk
    feature flag on the enterprise record. Any matching rule makes the checklist apply."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="rules"
    )
    everyone = models.BooleanField(_("every enterprise"), default=False)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    feature = models.CharField(
        _("key risk feature"),
        max_length=30,
        choices=[(name, label) for name, label in RISK_FEATURES.items()],
        blank=True,
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("applicability rule")
        verbose_name_plural = _("applicability rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(everyone=True, sector="", feature="")
                    | Q(everyone=False, feature="") & ~Q(sector="")
                    | Q(everyone=False, sector="") & ~Q(feature="")
                ),
                name="applicability_one_condition",
                violation_error_message=_(
                    "Give exactly one of: every enterprise, sector, feature."
                ),
            )
        ]

    def __str__(self):
        condition = "*" if self.everyone else (self.sector or self.feature)
        return f"{self.checklist} ← {condition}"

    def clean(self):
        if self.feature and self.feature not in Enterprise.RISK_FEATURES:
            raise ValidationError({"feature": _("Unknown risk feature.")})

    def matches(self, enterprise) -> bool:
        if self.everyone:
            return True
        if self.sector:
            return enterprise.sector == self.sector
        return bool(getattr(enterprise, self.feature, False))

"""Major hazard installations (重大危险源, GB 18218-2018): units, the substances in them, and
the computed S, R and grade kept by the services."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.roles import ALL_ROLES
from safeloop.risks.choices import HazardGrade, UnitKind
from safeloop.risks.models.points import RISK_EDITORS, THROUGH_ENTERPRISE, EnterpriseScoped
from safeloop.risks.models.reference import HazardCategory, HazardousSubstance


class HazardUnit(Versioned, EnterpriseScoped):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    people_within_500m = models.PositiveIntegerField(_("people within 500 m"))
    # Kept by the services.
    s_value = models.DecimalField("S", max_digits=14, decimal_places=4, default=0, editable=False)
    r_value = models.DecimalField("R", max_digits=14, decimal_places=4, default=0, editable=False)
    alpha = models.DecimalField("α", max_digits=4, decimal_places=2, default=0, editable=False)
    identified = models.BooleanField(_("major hazard installation"), default=False, editable=False)
    grade = models.PositiveSmallIntegerField(
        _("grade"), choices=HazardGrade.choices, null=True, blank=True, editable=False
    )
    is_deleted = models.BooleanField(_("deleted"), default=False, editable=False)

    class Meta:
        verbose_name = _("hazard installation unit")
        verbose_name_plural = _("hazard installation units")
        ordering = ["enterprise", "name", "pk"]

    def __str__(self):
        return self.name


class HazardUnitSubstance(AuditedModel):
    """A named substance or, for an unnamed one, its hazard category, with the maximum
    quantity present in tonnes."""

    unit = models.ForeignKey(
        HazardUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="substances"
    )
    substance = models.ForeignKey(
        HazardousSubstance,
        verbose_name=_("substance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    category = models.ForeignKey(
        HazardCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    label = models.CharField(_("name on site"), max_length=80, blank=True)
    quantity = models.DecimalField(
        _("maximum quantity (t)"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = ScopedManager()
    scope_paths = {unit: f"unit__{path}" for unit, path in THROUGH_ENTERPRISE.items()}
    scope_roles = {"view": ALL_ROLES, "change": RISK_EDITORS}

    class Meta:
        verbose_name = _("substance in a unit")
        verbose_name_plural = _("substances in units")
        ordering = ["unit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(substance__isnull=False, category__isnull=True)
                | models.Q(substance__isnull=True, category__isnull=False),
                name="risks_unit_substance_xor_category",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="risks_unit_substance_quantity"
            ),
        ]

    def __str__(self):
        return self.label or str(self.substance or self.category)

    @property
    def region_code(self) -> str:
        return self.unit.enterprise.region_code

    def clean(self):
        if (self.substance_id is None) == (self.category_id is None):
            raise ValidationError({"substance": _("Give either a named substance or a category.")})

    @property
    def critical_quantity(self) -> Decimal:
        return (self.substance or self.category).critical_quantity

    @property
    def beta(self) -> Decimal:
        return self.substance.effective_beta if self.substance_id else self.category.beta

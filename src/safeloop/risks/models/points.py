"""Risk points, their assessments and control measures, and the per-enterprise roll-up.

Rows reach the org tree through their enterprise (`enterprise__…` scope paths), so an
enterprise that moves county, park or grid takes its risks with it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF
from safeloop.risks.choices import (
    ControlLevel,
    DirectReason,
    Frequency,
    Level,
    MeasureKind,
    Method,
    PointKind,
)
from safeloop.risks.models.reference import AccidentType, GradingScheme

# Enterprises identify and control their own risks (自辨自控); the expert who advises an
# enterprise gives technical guidance and reads its records (the enterprise's staff record
# what the expert advises); regulators read them; administrators may correct them.
RISK_EDITORS = ENTERPRISE_STAFF | ADMINS

THROUGH_ENTERPRISE = {
    "region": "enterprise__region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


def through(prefix: str) -> dict:
    return {unit: f"{prefix}__{path}" for unit, path in THROUGH_ENTERPRISE.items()}


class EnterpriseScoped(AuditedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT
    )

    objects = ScopedManager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {"view": ALL_ROLES, "change": RISK_EDITORS}

    class Meta:
        abstract = True

    @property
    def region_code(self) -> str:  # the audit log's region column
        return self.enterprise.region_code


class RiskPoint(Versioned, EnterpriseScoped):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=PointKind.choices)
    location = models.CharField(_("location in the plant"), max_length=200, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)
    accident_types = models.ManyToManyField(
        AccidentType, verbose_name=_("possible accident types"), blank=True
    )
    hazard_factors = models.TextField(_("hazard factors"), blank=True)
    emergency_actions = models.TextField(_("emergency actions"), blank=True)
    contacts = models.CharField(_("emergency contacts"), max_length=200, blank=True)
    review_due = models.DateField(_("next review"), null=True, blank=True)
    # Kept by the services from the current assessment.
    current_assessment = models.ForeignKey(
        "RiskAssessment",
        verbose_name=_("current assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    level = models.CharField(
        _("level"), max_length=8, choices=Level.choices, blank=True, editable=False, db_index=True
    )
    is_deleted = models.BooleanField(_("deleted"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit_exclude = frozenset({"updated_at"})

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["enterprise", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()


class RiskAssessment(EnterpriseScoped):
    """One grading of a risk point. Never edited once written: inputs, score, level and the
    thresholds that produced it stay as they were; re-grading writes a new assessment."""

    risk_point = models.ForeignKey(
        RiskPoint,
        verbose_name=_("risk point"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    lec_l = models.DecimalField("L", max_digits=6, decimal_places=2, null=True, blank=True)
    lec_e = models.DecimalField("E", max_digits=6, decimal_places=2, null=True, blank=True)
    lec_c = models.DecimalField("C", max_digits=6, decimal_places=2, null=True, blank=True)
    ls_l = models.PositiveSmallIntegerField(
        "L", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ls_s = models.PositiveSmallIntegerField(
        "S", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    score = models.DecimalField(
        _("score (D or R)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    direct_reason = models.CharField(
        _("direct determination"), max_length=24, choices=DirectReason.choices, blank=True
    )
    direct_note = models.CharField(_("direct determination note"), max_length=300, blank=True)
    scheme = models.ForeignKey(
        GradingScheme, verbose_name=_("grading scheme"), on_delete=models.PROTECT
    )
    thresholds = models.JSONField(_("thresholds used"), default=dict)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("re-grades"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-pk"]

    def __str__(self):
        return f"{self.risk_point} {self.get_method_display()} {self.level}"

    def clean(self):
        if self.risk_point_id and self.enterprise_id != self.risk_point.enterprise_id:
            raise ValidationError({"risk_point": _("The point belongs to another enterprise.")})


class ControlMeasure(Versioned, EnterpriseScoped):
    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("type"), max_length=12, choices=MeasureKind.choices)
    description = models.TextField(_("measure"))
    control_level = models.CharField(
        _("control level"), max_length=10, choices=ControlLevel.choices
    )
    responsible = models.CharField(_("person responsible"), max_length=50)
    # The account that receives the measure's self-check tasks; when empty (or no longer the
    # enterprise's staff) the tasks go to the enterprise's safety staff.
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_phone = models.CharField(_("phone"), max_length=20, blank=True)
    inspection_frequency = models.CharField(
        _("inspection frequency"), max_length=10, choices=Frequency.choices
    )
    is_deleted = models.BooleanField(_("deleted"), default=False, editable=False)

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["risk_point", "kind", "pk"]

    def __str__(self):
        return self.description[:60]

    def clean(self):
        if self.responsible_user_id and self.enterprise_id:
            from safeloop.orgs.models import RoleAssignment

            staff = RoleAssignment.objects.filter(
                user_id=self.responsible_user_id,
                enterprise_id=self.enterprise_id,
                role__in=ENTERPRISE_STAFF,
                active=True,
            )
            if not staff.exists():
                raise ValidationError(
                    {
                        "responsible_user": _(
                            "Choose an account of this enterprise's principal or safety staff."
                        )
                    }
                )


class EnterpriseRiskProfile(models.Model):
    """Derived roll-up of one enterprise, rewritten by the services after each change: the
    highest level of its live risk points, counts per colour, the major hazard flag."""

    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="risk_profile",
    )
    level = models.CharField(
        _("risk level"), max_length=8, choices=Level.choices, blank=True, db_index=True
    )
    red = models.PositiveIntegerField(_("red"), default=0)
    orange = models.PositiveIntegerField(_("orange"), default=0)
    yellow = models.PositiveIntegerField(_("yellow"), default=0)
    blue = models.PositiveIntegerField(_("blue"), default=0)
    unassessed = models.PositiveIntegerField(_("not assessed"), default=0)
    major_hazard = models.BooleanField(_("major hazard installation"), default=False)
    major_hazard_grade = models.PositiveSmallIntegerField(
        _("highest major hazard grade"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {"view": ALL_ROLES, "change": frozenset()}

    class Meta:
        verbose_name = _("enterprise risk profile")
        verbose_name_plural = _("enterprise risk profiles")

    def __str__(self):
        return f"{self.enterprise} {self.level}"

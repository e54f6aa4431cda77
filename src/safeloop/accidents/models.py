"""Production-safety accidents: the record an enterprise or a regulator reports, graded by
the rule data in `GradeThreshold`, and the reporting clock in `ReportingRule`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.choices import AccidentState, Grade
from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF, REGULATORS


class GradeThreshold(AuditedModel):
    """The lower bounds of one grade in one version of the rule. Reaching any one bound
    reaches the grade ("以上" includes the number); the most serious grade reached wins."""

    grade = models.CharField(_("grade"), max_length=14, choices=Grade.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is more serious."))
    min_deaths = models.PositiveIntegerField(_("deaths from"))
    min_serious_injuries = models.PositiveIntegerField(_("serious injuries from"))
    min_direct_loss = models.DecimalField(
        _("direct loss from (CNY)"), max_digits=16, decimal_places=2
    )
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("accident grade threshold")
        verbose_name_plural = _("accident grade thresholds")
        ordering = ["-effective_from", "-rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "effective_from"], name="accident_grade_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.get_grade_display()} ({self.effective_from})"


class ReportingRule(AuditedModel):
    """How soon an accident must reach the county-level supervisor (Art. 9: one hour)."""

    report_within_minutes = models.PositiveIntegerField(_("report within (minutes)"))
    effective_from = models.DateField(_("in force from"), unique=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("accident reporting rule")
        verbose_name_plural = _("accident reporting rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.report_within_minutes} min ({self.effective_from})"


class Accident(Versioned, AuditedModel):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=200)
    summary = models.TextField(_("brief account"))
    accident_type = models.ForeignKey(
        "risks.AccidentType",
        verbose_name=_("accident type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(
        _("serious injuries (incl. acute poisoning)"), default=0
    )
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    direct_loss = models.DecimalField(
        _("estimated direct loss (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    measures_taken = models.TextField(_("measures taken"), blank=True)
    grade = models.CharField(_("grade"), max_length=14, choices=Grade.choices, editable=False)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)
    reported_late = models.BooleanField(_("reported late"), default=False, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    # Set only by ACCIDENT_WORKFLOW.apply (accidents/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AccidentState.choices,
        default=AccidentState.REPORTED,
        editable=False,
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = {
        "region": "enterprise__region_code",
        "park": "enterprise__park_id",
        "grid": "enterprise__grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {
        "view": ALL_ROLES,
        "change": REGULATORS | ENTERPRISE_STAFF,
        "void": REGULATORS,
    }
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "occurred_at"])]

    def __str__(self):
        return f"{self.enterprise} {self.occurred_at:%Y-%m-%d} {self.place}"

    @property
    def voided(self) -> bool:
        """Withdrawn as entered in error: still readable, no longer counted."""
        return self.state == AccidentState.VOIDED

    @property
    def region_code(self) -> str:
        return self.enterprise.region_code

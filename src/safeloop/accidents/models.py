"""Production-safety accidents: the record an enterprise or a regulator reports, graded by
the rule data in `GradeThreshold`, and the reporting clock in `ReportingRule`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.choices import AccidentState, CaseState, Concealment, Grade, ReportLevel
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


class ReportingStepRule(AuditedModel):
    """One step of the reporting chain in one version of the rule: how long a level has
    from the moment it learns of the accident to report it onward (Art. 9: one hour for
    the enterprise; Art. 11: two hours for each level of the supervisors)."""

    level = models.CharField(_("level"), max_length=10, choices=ReportLevel.choices)
    within_minutes = models.PositiveIntegerField(_("report within (minutes)"))
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("accident reporting step rule")
        verbose_name_plural = _("accident reporting step rules")
        ordering = ["-effective_from", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "effective_from"], name="accident_step_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.within_minutes} min ({self.effective_from})"


class RevisionWindow(AuditedModel):
    """How long after the accident casualty changes still re-grade it (Art. 13: 30 days;
    7 days for road traffic and fire accidents). `type_names` lists accident type names
    (of any code set) the row applies to; an empty list is the general rule."""

    days = models.PositiveIntegerField(_("days"))
    type_names = models.CharField(
        _("accident type names"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas; empty for every other type."),
    )
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("accident follow-up window")
        verbose_name_plural = _("accident follow-up windows")
        ordering = ["-effective_from", "days"]

    def __str__(self):
        return f"{self.days} d {self.type_names or '*'} ({self.effective_from})"

    def names(self) -> set[str]:
        return {n.strip() for n in self.type_names.split(",") if n.strip()}


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


class ReportStep(models.Model):
    """One level's onward report of one accident: due a fixed time after the level learnt
    of it (the previous step's report; the accident itself for the enterprise), done when
    that level reports, late when done after it was due. Written only by the services."""

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="steps"
    )
    level = models.CharField(_("level"), max_length=10, choices=ReportLevel.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    within_minutes = models.PositiveIntegerField(_("report within (minutes)"))
    source = models.CharField(_("source"), max_length=300)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    late = models.BooleanField(_("late"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reporting step")
        verbose_name_plural = _("reporting steps")
        ordering = ["accident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "level"], name="accident_step_once")
        ]

    def __str__(self):
        return f"{self.accident_id} {self.get_level_display()}"

    def overdue(self, now) -> bool:
        """Not reported yet and past due (late already, whenever it is reported)."""
        return self.reported_at is None and self.due_at is not None and now > self.due_at


class Revision(models.Model):
    """One version of an accident's figures and grade, with the reason it changed: the
    first report is revision 1, every 续报 or correction adds one. Append-only."""

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries (incl. acute poisoning)"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    direct_loss = models.DecimalField(
        _("estimated direct loss (CNY)"), max_digits=14, decimal_places=2
    )
    grade = models.CharField(_("grade"), max_length=14, choices=Grade.choices)
    regraded = models.BooleanField(_("grade changed"), default=False)

    class Meta:
        verbose_name = _("accident revision")
        verbose_name_plural = _("accident revisions")
        ordering = ["accident", "number"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "number"], name="accident_revision_once")
        ]

    def __str__(self):
        return f"{self.accident_id} #{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("accident revisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("accident revisions are append-only")


class Investigation(Versioned, AuditedModel):
    """The investigation of one accident and the case it keeps open until every corrective
    measure is closed (四不放过): team, findings, causes, responsibility, lessons, and any
    瞒报/谎报 found. Its state is set only by the `accident_case` workflow."""

    accident = models.OneToOneField(
        Accident,
        verbose_name=_("accident"),
        on_delete=models.PROTECT,
        related_name="investigation",
    )
    team = models.TextField(_("investigation team"))
    findings = models.TextField(_("findings"), blank=True)
    direct_causes = models.TextField(_("direct causes"), blank=True)
    indirect_causes = models.TextField(_("indirect causes"), blank=True)
    responsibility = models.TextField(_("responsibility findings"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    concealment = models.CharField(
        _("concealment found"), max_length=10, choices=Concealment.choices, blank=True
    )
    concealment_note = models.TextField(_("concealment details"), blank=True)
    report = models.FileField(
        _("investigation report (PDF)"), upload_to="accidents/reports/%Y/", blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=14,
        choices=CaseState.choices,
        default=CaseState.INVESTIGATING,
        editable=False,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, editable=False)

    objects = ScopedManager()
    scope_paths = {
        "region": "accident__enterprise__region_code",
        "park": "accident__enterprise__park_id",
        "grid": "accident__enterprise__grid_id",
        "enterprise": "accident__enterprise_id",
    }
    scope_roles = {"view": ALL_ROLES, "change": REGULATORS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("accident investigation")
        verbose_name_plural = _("accident investigations")
        ordering = ["-pk"]

    def __str__(self):
        return str(self.accident)


class Measure(AuditedModel):
    """A corrective measure of an investigation, tracked as the hidden danger it became."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    description = models.TextField(_("corrective measure"))
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("corrective measure")
        verbose_name_plural = _("corrective measures")
        ordering = ["investigation", "pk"]

    def __str__(self):
        return self.description[:40]

"""Parks' annual overall risk assessment (园区年度整体性安全风险评估): one per park and year,
its indicators counted from the park's enterprises (frozen on approval), the expert opinion
and conclusion, and the measures it sets, each with an owner and a deadline, followed up to
closure. When it is due is a versioned rule (`AssessmentRule`). Writes go through `services`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.models import Park
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.parkrisk.choices import AssessmentState, Confidence, MeasureState, OverallLevel

# Who reads and works on park assessments: the regulators whose area holds the park (a grid
# cell is not a park's unit: grid inspectors take no part).
VIEWERS = frozenset(REGULATORS - {Role.GRID_INSPECTOR})
RULE_EDITORS = frozenset(ADMINS)


class AssessmentRule(AuditedModel):
    """By when a year's assessment must be approved, from a day on: a change is a new row
    with its own `effective_from` and source."""

    due_month = models.PositiveSmallIntegerField(
        _("due month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    # 0: the assessment of a year is due in that year; 1: in the year after it.
    due_year_offset = models.PositiveSmallIntegerField(
        _("due in the year after the assessed year"),
        default=0,
        validators=[MaxValueValidator(1)],
    )
    warn_days = models.PositiveSmallIntegerField(
        _("warn before the due day (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
    )
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.due_month}-{self.due_day} · {self.effective_from}"

    @classmethod
    def in_force(cls, day=None) -> "AssessmentRule | None":
        day = day or timezone.localdate()
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class ParkAssessment(Versioned, AuditedModel):
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="assessments"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Set only by ASSESSMENT_WORKFLOW.apply (parkrisk/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AssessmentState.choices,
        default=AssessmentState.DRAFT,
        editable=False,
    )
    experts = models.CharField(_("experts"), max_length=300, blank=True)
    expert_opinion = models.TextField(_("expert opinion"), blank=True)
    overall_level = models.CharField(
        _("overall risk level"), max_length=1, choices=OverallLevel.choices, blank=True
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The indicators as approved; empty until then (the page counts them live).
    indicators = models.JSONField(_("indicators"), default=dict, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("indicators frozen at"), null=True, editable=False)
    review_note = models.TextField(_("review note"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "park": "park_id"}
    scope_roles = {"view": VIEWERS, "change": VIEWERS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("park risk assessment")
        verbose_name_plural = _("park risk assessments")
        ordering = ["-year", "park__name", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year"], name="parkrisk_once_per_park_year")
        ]

    def __str__(self):
        return f"{self.park} · {self.year}"

    def save(self, *args, **kwargs):
        self.region_code = self.park.region_code
        super().save(*args, **kwargs)


class Measure(Versioned, AuditedModel):
    """One measure the assessment sets, with who answers for it and by when."""

    assessment = models.ForeignKey(
        ParkAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    text = models.CharField(_("measure to take"), max_length=300)
    owner = models.CharField(_("responsible person or unit"), max_length=100)
    deadline = models.DateField(_("complete by"), db_index=True)
    # Set only by MEASURE_WORKFLOW.apply.
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=MeasureState.choices,
        default=MeasureState.OPEN,
        editable=False,
    )
    closed_on = models.DateField(_("closed on"), null=True, editable=False)
    closing_note = models.CharField(_("how it was done"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "assessment__region_code", "park": "assessment__park_id"}
    scope_roles = {"view": VIEWERS, "change": VIEWERS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.text

    @property
    def overdue(self) -> bool:
        return self.state == MeasureState.OPEN and self.deadline < timezone.localdate()


class FollowUp(AuditedModel):
    """A note on a measure's progress: written once, never changed."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    note = models.CharField(_("progress"), max_length=500)
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("recorded by", "by"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.note[:40]

"""Training records and qualifications (三项岗位人员 and other staff), the statutory hours as
versioned rules, each enterprise's annual all-staff training, and publicity campaigns.
Writes with rules go through `services`."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import (
    Enterprise,
    EnterpriseChild,
    SafetyManager,
    SpecialOperator,
    mask,
)
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF, REGULATORS
from safeloop.training.choices import Confidence, ExamResult, Kind, Post

# Who edits the statutory hours: the city's (and the system's) administrators.
RULE_EDITORS = frozenset(ADMINS)


class TrainingRule(AuditedModel):
    """The statutory hours of one post from a day on: a change is a new row with its own
    `effective_from` and source, so a record is always judged by the rule of its day."""

    post = models.CharField(
        _("post"),
        max_length=20,
        choices=[(p.value, p.label) for p in Post if p != Post.OTHER],
    )
    initial_hours = models.PositiveSmallIntegerField(
        _("initial training hours"), validators=[MaxValueValidator(1000)]
    )
    refresher_hours = models.PositiveSmallIntegerField(
        _("annual refresher hours"), validators=[MaxValueValidator(1000)]
    )
    # 0: the post's certificate is not renewed on a cycle (principals, safety managers).
    review_every_years = models.PositiveSmallIntegerField(
        _("certificate review every (years)"), default=0, validators=[MaxValueValidator(20)]
    )
    certificate_valid_years = models.PositiveSmallIntegerField(
        _("certificate valid (years)"), default=0, validators=[MaxValueValidator(20)]
    )
    warn_days = models.PositiveSmallIntegerField(
        _("warn before certificate end (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training rule")
        verbose_name_plural = _("training rules")
        ordering = ["post", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "effective_from"], name="training_rule_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_post_display()} · {self.effective_from}"

    @classmethod
    def in_force(cls, day=None) -> dict[str, "TrainingRule"]:
        """{post: the rule in force on `day`}."""
        day = day or timezone.localdate()
        found: dict[str, TrainingRule] = {}
        for rule in cls.objects.filter(effective_from__lte=day).order_by(
            "post", "-effective_from", "-id"
        ):
            found.setdefault(rule.post, rule)
        return found


class TrainingRecord(Versioned, EnterpriseChild):
    """One course one person attended. A ledger person (safety manager, special-operation
    worker) is linked; the principal and other staff are named."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    safety_manager = models.ForeignKey(
        SafetyManager,
        verbose_name=_("safety manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    operator = models.ForeignKey(
        SpecialOperator,
        verbose_name=_("special-operation worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    course = models.CharField(_("course"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"))
    exam_result = models.CharField(
        _("exam result"), max_length=8, choices=ExamResult.choices, default=ExamResult.NONE
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_valid_to = models.DateField(_("certificate valid to"), null=True, blank=True)
    scan = models.FileField(_("scan (PDF)"), upload_to="training/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    audit_masked = frozenset({"certificate_number"})

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-ended_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "post", "ended_on"], name="training_rec_ent_post"),
            models.Index(fields=["certificate_valid_to"], name="training_rec_cert_to"),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.course}"

    @property
    def masked_certificate_number(self) -> str:
        return mask(self.certificate_number)


class AnnualTraining(Versioned, EnterpriseChild):
    """An enterprise's all-staff safety training in one year (one row per enterprise and
    year)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="annual_trainings",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    staff_count = models.PositiveIntegerField(_("staff"), validators=[MaxValueValidator(10**6)])
    trained_count = models.PositiveIntegerField(
        _("staff trained"), validators=[MaxValueValidator(10**6)]
    )
    total_hours = models.DecimalField(
        _("total training hours"),
        max_digits=10,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("annual all-staff training")
        verbose_name_plural = _("annual all-staff training")
        ordering = ["-year", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="training_annual_once")
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.year}"

    @property
    def hours_per_head(self):
        return round(self.total_hours / self.staff_count, 1) if self.staff_count else None


class Campaign(Versioned, AuditedModel):
    """A publicity campaign (安全生产月 …) run by a county or the city. Campaigns are public:
    the public page lists their title, period, materials and activities (no personal data)."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    description = models.TextField(_("description"), blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("participating enterprises"), blank=True, related_name="+"
    )
    published = models.BooleanField(_("shown on the public site"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        verbose_name = _("publicity campaign")
        verbose_name_plural = _("publicity campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class CampaignChild(AuditedModel):
    objects = ScopedManager()
    scope_paths = {"region": "campaign__region_code"}
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        abstract = True


class CampaignMaterial(CampaignChild):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("document (PDF)"), upload_to="campaigns/%Y/", blank=True)
    link = models.URLField(_("link"), blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign material")
        verbose_name_plural = _("campaign materials")
        ordering = ["campaign_id", "id"]

    def __str__(self):
        return self.title


class CampaignActivity(CampaignChild):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="activities"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("activity"), max_length=200)
    participants = models.PositiveIntegerField(
        _("participants"), default=0, validators=[MaxValueValidator(10**6)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("campaign activity")
        verbose_name_plural = _("campaign activities")
        ordering = ["campaign_id", "held_on", "id"]

    def __str__(self):
        return self.title


TRAINING_VIEWERS = ALL_ROLES
TRAINING_EDITORS = REGULATORS | ENTERPRISE_STAFF

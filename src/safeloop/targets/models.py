"""Targets and assessment (目标责任与考核): the year's control indicators split from the city
to counties and parks, the responsibility letters, the scoring scheme and veto rules as
versioned data, and the annual assessment with its frozen figures. Writes go through
`services`; the figures are computed set-based in `figures`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.accidents.choices import Grade
from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.models import Park
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.targets.choices import AssessmentState, EntryKind, Measure

# The city's (and the system's) administrators set indicators, schemes and assessments.
CITY_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})
UNIT_PATHS = {"region": "region_code", "park": "park_id"}


class TargetRule(AuditedModel):
    """When an indicator warns: at `warn_percent` of its limit consumed (and always on a
    breach). A change is a new row from its day on."""

    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the limit)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator warning rule")
        verbose_name_plural = _("indicator warning rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.warn_percent}% · {self.effective_from}"

    @classmethod
    def in_force(cls, day=None) -> "TargetRule | None":
        day = day or timezone.localdate()
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class IndicatorKind(AuditedModel):
    """One kind of control indicator: what it counts from the accident records, optionally
    only accidents of one grade. Administrators add kinds; a kind is retired, never deleted."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    measure = models.CharField(_("counts"), max_length=12, choices=Measure.choices)
    grade = models.CharField(
        _("only accidents of grade"), max_length=14, choices=Grade.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indicator kind")
        verbose_name_plural = _("indicator kinds")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Indicator(Versioned, AuditedModel):
    """The limit of one kind for one unit and year: the city's own total (its code, no park),
    a county's share (the county's code) or a park's share (its county's code and the park)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.ForeignKey(
        IndicatorKind, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    limit = models.DecimalField(
        _("limit"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_paths = UNIT_PATHS
    scope_roles = {"view": REGULATORS, "change": CITY_ADMINS}

    class Meta:
        verbose_name = _("control indicator")
        verbose_name_plural = _("control indicators")
        ordering = ["year", "kind__position", "region_code", "park_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "region_code"],
                condition=models.Q(park__isnull=True),
                name="targets_indicator_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "park"],
                condition=models.Q(park__isnull=False),
                name="targets_indicator_once_per_park",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.kind} · {self.region_code}"


def letter_path(instance, filename):
    return f"targets/letters/{instance.year}/{filename}"


class ResponsibilityLetter(Versioned, AuditedModel):
    """安全生产目标责任书 of one unit (a county, or a park) for one year: the signed scan and
    who signed it when. A letter entered in error is voided with a reason, never deleted."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region_code = models.CharField(_("region code"), max_length=6)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    issuer_signatory = models.CharField(_("signed for the issuer"), max_length=50)
    holder_signatory = models.CharField(_("signed for the unit"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    scan = models.FileField(_("signed scan (PDF or image)"), upload_to=letter_path)
    note = models.CharField(_("note"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason voided"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = UNIT_PATHS
    scope_roles = {"view": REGULATORS, "change": ADMINS}

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "region_code", "park_id"]

    def __str__(self):
        return f"{self.year} · {self.region_code}"


class ScoringScheme(AuditedModel):
    """One version of the assessment scheme: the items (code, name, weight, figure, formula
    and its parameters) and the veto rules, with source; add-only."""

    effective_from = models.DateField(_("effective from"), unique=True)
    items = models.JSONField(pgettext_lazy("assessment items", "items"))
    vetoes = models.JSONField(_("veto rules"))
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["-effective_from"]

    def __str__(self):
        return str(self.effective_from)

    @classmethod
    def in_force(cls, day) -> "ScoringScheme | None":
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class Assessment(Versioned, AuditedModel):
    """The year's assessment of every county and park of a city: draft while it may be
    recomputed and adjusted; approved, its figures frozen."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region_code = models.CharField(_("city"), max_length=6)
    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scoring scheme"), on_delete=models.PROTECT
    )
    state = models.CharField(
        _("state"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    # seen by everyone who sees one of its results (a county sees its own line)
    scope_paths = {"region": "results__region_code", "park": "results__park_id"}
    scope_roles = {"view": REGULATORS, "change": CITY_ADMINS}

    class Meta:
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region_code"], name="targets_one_assessment")
        ]

    def __str__(self):
        return f"{self.year}"

    @property
    def frozen(self) -> bool:
        return self.state == AssessmentState.APPROVED


class AssessmentResult(AuditedModel):
    """One unit's line: every item with the figures it was computed from (`items`), the
    vetoes that struck, the total and the rank among units of its kind."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=pgettext_lazy("annual assessment", "assessment"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    region_code = models.CharField(_("region code"), max_length=6)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    label = models.CharField(pgettext_lazy("assessed unit", "unit"), max_length=200)
    items = models.JSONField(pgettext_lazy("assessment items", "items"), default=list)
    figures = models.JSONField(_("figures"), default=dict)
    vetoes = models.JSONField(_("vetoes"), default=list)
    item_total = models.DecimalField(_("item points"), max_digits=7, decimal_places=2, default=0)
    adjustment = models.DecimalField(_("adjustments"), max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = UNIT_PATHS
    scope_roles = {"view": REGULATORS, "change": CITY_ADMINS}

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["assessment_id", models.F("park_id").asc(nulls_first=True), "rank", "id"]

    def __str__(self):
        return self.label

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


class ScoreEntry(AuditedModel):
    """A manual item's score with its evidence, or an adjustment of the total with its
    reason; append-only (the latest manual entry of an item counts)."""

    result = models.ForeignKey(
        AssessmentResult,
        verbose_name=pgettext_lazy("assessed unit", "unit"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    item = models.CharField(pgettext_lazy("assessment item", "item"), max_length=40, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason or evidence"))
    evidence = models.FileField(_("evidence (PDF)"), upload_to="targets/evidence/%Y/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("recorded by", "by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "result__region_code", "park": "result__park_id"}
    scope_roles = {"view": REGULATORS, "change": CITY_ADMINS}

    class Meta:
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.item or self.kind} {self.points}"

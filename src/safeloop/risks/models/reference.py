"""Rules as data: code sets, value lists, grading schemes and the GB 18218 tables.

Every row names its source and how sure we are of it; an administrator edits them in the
admin. Assessments copy the thresholds they were graded with, so editing a scheme never
changes history.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel
from safeloop.risks.choices import Confidence, LecFactor, LsFactor


class Sourced(AuditedModel):
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )

    class Meta:
        abstract = True


class AccidentTypeCodeSet(Sourced):
    """A version of the accident classification (GB/T 6441-1986, GB 6441-2025, …)."""

    code = models.CharField(_("standard"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    is_current = models.BooleanField(_("offered for new risk points"), default=True)

    class Meta:
        verbose_name = _("accident type code set")
        verbose_name_plural = _("accident type code sets")
        ordering = ["code"]

    def __str__(self):
        return self.code


class AccidentType(Sourced):
    code_set = models.ForeignKey(
        AccidentTypeCodeSet,
        verbose_name=_("code set"),
        on_delete=models.PROTECT,
        related_name="types",
    )
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("accident type")
        verbose_name_plural = _("accident types")
        ordering = ["code_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_set", "code"], name="risks_accident_type_code")
        ]

    def __str__(self):
        # People read the type's name (灼烫); the code is for exchange with other systems.
        return self.name


class LecValue(Sourced):
    """One entry of the official L, E or C value list."""

    factor = models.CharField(_("factor"), max_length=1, choices=LecFactor.choices)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2)
    label = models.CharField(_("meaning"), max_length=60)

    class Meta:
        verbose_name = _("LEC value")
        verbose_name_plural = _("LEC values")
        ordering = ["factor", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["factor", "value"], name="risks_lec_value_unique")
        ]

    def __str__(self):
        return f"{self.factor}={Decimal(str(self.value)).normalize():f} {self.label}"


class LsValue(Sourced):
    """One step (1–5) of the LS matrix scales."""

    factor = models.CharField(_("factor"), max_length=1, choices=LsFactor.choices)
    value = models.PositiveSmallIntegerField(
        _("value"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    label = models.CharField(_("meaning"), max_length=100)

    class Meta:
        verbose_name = _("LS scale value")
        verbose_name_plural = _("LS scale values")
        ordering = ["factor", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["factor", "value"], name="risks_ls_value_unique")
        ]

    def __str__(self):
        return f"{self.factor}={self.value} {self.label}"


class GradingScheme(Sourced):
    """How D (LEC) and R (LS) map to the four levels. Exactly one scheme is active.

    LEC: red when D > lec_red_above, orange when D > lec_orange_above, yellow when
    D > lec_yellow_above, else blue. LS: red when R ≥ ls_red_min, orange when R ≥
    ls_orange_min, yellow when R ≥ ls_yellow_min, else blue.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=False)
    lec_red_above = models.DecimalField(_("LEC red above"), max_digits=8, decimal_places=2)
    lec_orange_above = models.DecimalField(_("LEC orange above"), max_digits=8, decimal_places=2)
    lec_yellow_above = models.DecimalField(_("LEC yellow above"), max_digits=8, decimal_places=2)
    ls_red_min = models.PositiveSmallIntegerField(_("LS red from"))
    ls_orange_min = models.PositiveSmallIntegerField(_("LS orange from"))
    ls_yellow_min = models.PositiveSmallIntegerField(_("LS yellow from"))

    class Meta:
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="risks_one_active_scheme"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.lec_red_above > self.lec_orange_above > self.lec_yellow_above >= 0):
            raise ValidationError(
                {"lec_red_above": _("LEC thresholds must fall: red > orange > yellow ≥ 0.")}
            )
        if not (self.ls_red_min > self.ls_orange_min > self.ls_yellow_min >= 1):
            raise ValidationError(
                {"ls_red_min": _("LS thresholds must fall: red > orange > yellow ≥ 1.")}
            )

    def thresholds(self) -> dict:
        """The snapshot each assessment keeps."""
        return {
            "scheme": self.code,
            "lec_red_above": str(self.lec_red_above),
            "lec_orange_above": str(self.lec_orange_above),
            "lec_yellow_above": str(self.lec_yellow_above),
            "ls_red_min": self.ls_red_min,
            "ls_orange_min": self.ls_orange_min,
            "ls_yellow_min": self.ls_yellow_min,
        }

    @classmethod
    def active(cls) -> "GradingScheme":
        return cls.objects.get(is_active=True)


POSITIVE = [MinValueValidator(Decimal("0.0001"))]


class HazardCategory(Sourced):
    """GB 18218-2018 table 2 and table 4: a hazard category with its Q and β."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    critical_quantity = models.DecimalField(
        _("critical quantity Q (t)"), max_digits=12, decimal_places=4, validators=POSITIVE
    )
    beta = models.DecimalField(
        _("correction β"), max_digits=6, decimal_places=2, validators=POSITIVE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("hazard category")
        verbose_name_plural = _("hazard categories (GB 18218)")
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class HazardousSubstance(Sourced):
    """GB 18218-2018 table 1 (named substances). β is the substance's own (table 3, toxic
    gases) or else its category's."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True)
    critical_quantity = models.DecimalField(
        _("critical quantity Q (t)"), max_digits=12, decimal_places=4, validators=POSITIVE
    )
    beta = models.DecimalField(
        _("correction β"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    category = models.ForeignKey(
        HazardCategory,
        verbose_name=_("category (for β)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("named hazardous substance")
        verbose_name_plural = _("named hazardous substances (GB 18218)")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.beta is None and self.category_id is None:
            raise ValidationError({"beta": _("Give β or a category to take it from.")})

    @property
    def effective_beta(self) -> Decimal:
        return self.beta if self.beta is not None else self.category.beta


class AlphaBand(Sourced):
    """GB 18218-2018 table 5: α by the number of people within 500 m."""

    min_people = models.PositiveIntegerField(_("people from"), unique=True)
    max_people = models.PositiveIntegerField(_("people up to"), null=True, blank=True)
    alpha = models.DecimalField(_("correction α"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("α band")
        verbose_name_plural = _("α bands (GB 18218)")
        ordering = ["min_people"]

    def __str__(self):
        upper = "" if self.max_people is None else self.max_people
        return f"{self.min_people}–{upper}: α={self.alpha}"


class HazardGradeBand(Sourced):
    """GB 18218-2018 table 6: the grade for R ≥ r_min (highest r_min met wins)."""

    grade = models.PositiveSmallIntegerField(_("grade"), unique=True)
    r_min = models.DecimalField(_("R from"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("major hazard grade band")
        verbose_name_plural = _("major hazard grade bands (GB 18218)")
        ordering = ["grade"]

    def __str__(self):
        return f"{self.grade}: R≥{self.r_min}"

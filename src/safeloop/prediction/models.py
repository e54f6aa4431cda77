"""Predictive targeting: the scoring rule (how the score enters the targeting rules, as
add-only versioned data), the trained models (a record with its version, training cut-off,
features, parameters and metrics), and the retrodiction evaluations behind the report page."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel
from safeloop.orgs.roles import ADMINS
from safeloop.prediction.choices import Target

RULE_EDITORS = frozenset(ADMINS)


class ScoringRule(AuditedModel):
    """From `effective_from` on: whether the score is used, by which model, and how far.
    An enterprise is added to a plan (reason “prediction”) when it is among the plan region's
    top `top_share_percent` by score AND its probability is at least `min_probability`; the
    other rules and the coverage rule are untouched, so the score is one input, never the
    only one."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    enabled = models.BooleanField(_("use the score in targeting"), default=True)
    target = models.CharField(
        _("predicted outcome"), max_length=8, choices=Target.choices, default=Target.MAJOR
    )
    top_share_percent = models.PositiveSmallIntegerField(
        _("top share by score (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    min_probability = models.DecimalField(
        _("minimum probability"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.050"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    explained_terms = models.PositiveSmallIntegerField(
        _("contributions shown in the reason"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.effective_from} {self.target} {self.top_share_percent}%"

    @classmethod
    def in_force(cls, day):
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class ModelRecord(AuditedModel):
    """One trained model: logistic regression over standardised features, kept as numbers
    (means, scales, coefficients, intercept) so it is small, readable and loads without
    unpickling. Retraining adds a version; scoring uses the newest of its target."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    target = models.CharField(_("predicted outcome"), max_length=8, choices=Target.choices)
    cutoff = models.DateField(_("training cut-off"))
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    features = models.JSONField(_("features"), default=list)
    parameters = models.JSONField(_("parameters"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict)
    rows = models.PositiveIntegerField(_("training inspections"), default=0)
    positives = models.PositiveIntegerField(_("inspections with the outcome"), default=0)
    library = models.CharField(_("library"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("prediction model")
        verbose_name_plural = _("prediction models")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version} {self.target} {self.cutoff}"

    @classmethod
    def latest(cls, target: str):
        return cls.objects.filter(target=target).order_by("-version").first()


class Evaluation(AuditedModel):
    """A retrodiction: a model trained up to `cutoff`, replayed over the following months."""

    model_major = models.ForeignKey(
        ModelRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("major model")
    )
    model_any = models.ForeignKey(
        ModelRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("any model")
    )
    cutoff = models.DateField(_("training cut-off"))
    months = models.PositiveSmallIntegerField(_("months replayed"))
    results = models.JSONField(_("results"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("retrodiction")
        verbose_name_plural = _("retrodictions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.cutoff} +{self.months}"

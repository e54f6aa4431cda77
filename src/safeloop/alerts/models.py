"""Early warning: the rules as data, and the warnings they raise.

A rule's thresholds, day counts, audience and on/off switch are a row an administrator edits
(every edit is audited); the code knows only how to evaluate each kind of rule. A warning is
one row per (rule, subject, period): the evaluation job inserts with ON CONFLICT DO NOTHING, so
a repeated run raises nothing twice."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.alerts.choices import (
    OPEN_WARNING_STATES,
    KeyReason,
    RuleCode,
    SubjectKind,
    WarningState,
)
from safeloop.core.models import AuditedModel
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Park
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF, REGULATORS

AUDIENCES = ("enterprise", "grid", "park", "county", "city")


class WarningRule(AuditedModel):
    code = models.CharField(_("rule"), max_length=30, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(
        _("thresholds"),
        default=dict,
        help_text=_("The rule's thresholds and day counts; see docs/alerts.md for each rule."),
    )
    audience = models.JSONField(
        _("who is told"),
        default=list,
        help_text=_("Any of: enterprise, grid, park, county, city."),
    )
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by the first evaluation: that run reads existing data and tells each person once, in
    # one digest message, instead of one message per warning.
    first_run_at = models.DateTimeField(_("first evaluated"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()

    def clean(self):
        from safeloop.alerts.rules import param_errors

        errors = {}
        problems = param_errors(self.code, self.params)
        if problems:
            errors["params"] = problems
        if not isinstance(self.audience, list) or not set(self.audience) <= set(AUDIENCES):
            errors["audience"] = _("Give a list of: %s.") % ", ".join(AUDIENCES)
        if errors:
            raise ValidationError(errors)


class EarlyWarning(AuditedModel):
    rule = models.ForeignKey(
        WarningRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="warnings"
    )
    subject_kind = models.CharField(_("subject"), max_length=12, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField(_("subject id"))
    subject_label = models.CharField(_("subject name"), max_length=200)
    # What makes a repeat a new warning: the licence's end date and stage, the month …
    period = models.CharField(pgettext_lazy("warning", "period"), max_length=40)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    reason = models.CharField(_("reason"), max_length=500)
    details = models.JSONField(_("details"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": ALL_ROLES, "change": REGULATORS | ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_kind", "subject_id", "period"],
                name="alerts_warning_once_per_period",
            )
        ]
        indexes = [
            models.Index(
                fields=["region_code", "-raised_at"],
                name="alerts_warning_open_region",
                condition=models.Q(state__in=OPEN_WARNING_STATES),
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.subject_label}"

    @property
    def period_label(self) -> str:
        """The period as people read it: the date, month or year of the key without its
        ':stage' part (the reason says the stage); a subject with no record yet reads 从未."""
        head = self.period.split(":", 1)[0]
        return str(_("none yet")) if head == "never" else head

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_WARNING_STATES


class KeyUnit(models.Model):
    """An enterprise on the key units list (重点监管) with the reasons it was found to have,
    as `alerts.keyunits.refresh` last stored them: kept after every change to the enterprise's
    records and checked whole every hour (docs/alerts.md). Derived data, rebuilt at will:
    not audited, not versioned."""

    enterprise = models.OneToOneField(
        Enterprise,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="key_unit",
        verbose_name=_("enterprise"),
    )
    reasons = ArrayField(
        models.CharField(max_length=20, choices=KeyReason.choices), verbose_name=_("reasons")
    )
    # The same reasons as bits in KeyReason's order (selectors.reason_bit), for counting:
    # a refresh rewrites both, so a release that reorders the reasons is right within the hour.
    flags = models.IntegerField(_("reasons as bits"))
    listed_at = models.DateTimeField(_("listed since"))
    changed_at = models.DateTimeField(_("reasons since"))

    class Meta:
        verbose_name = _("key unit")
        verbose_name_plural = _("key units")
        # a list narrowed to a rare reason finds its rows without walking the whole list
        indexes = [GinIndex(fields=["reasons"], name="keyunit_reasons")]

    def __str__(self):
        return f"{self.enterprise_id}: {', '.join(self.reasons)}"

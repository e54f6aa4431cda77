"""Inspection plans, the targeting policy they are generated under, and the enterprises each
plan chose with the reasons why."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.inspections.choices import PlanKind, PlanState, Reason
from safeloop.orgs.models import Region
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.risks.choices import Level as RiskLevel

PLANNERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
)

# Who adds targeting-policy versions: the policy is the city's, so the system's and the city's
# administrators (county administrators and inspectors read it).
POLICY_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})

# How far a credit grade may stretch or shorten a risk level's interval: a factor of 0 would
# make every enterprise due at once, a huge one would exempt it from the frequency rule.
CREDIT_FACTOR_MIN = Decimal("0.10")
CREDIT_FACTOR_MAX = Decimal("4.00")
CREDIT_SOURCE = (
    "《关于加强安全生产领域信用体系建设的意见》：实施分级分类监管，信用等级越低检查频次越高；"
    "各等级系数为本平台默认值，由管理员按本地办法新增版本调整"
)


def credit_factor_field(label, default: str):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        validators=[
            MinValueValidator(
                CREDIT_FACTOR_MIN,
                message=_("A factor is at least 0.1 (0.5 halves the interval)."),
            ),
            MaxValueValidator(
                CREDIT_FACTOR_MAX,
                message=_("A factor is at most 4 (the interval at most four times as long)."),
            ),
        ],
        help_text=_("The risk level's interval is multiplied by it: below 1 more often."),
    )


class TargetingPolicy(AuditedModel):
    """The targeting rules as data; the newest policy in effect applies. A change is a new
    version (a new row from its day on): a plan keeps the policy it was targeted under."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    coverage_cycle_months = models.PositiveSmallIntegerField(
        _("every enterprise visited at least once per (months)"), default=12
    )
    include_accident = models.BooleanField(
        _("always include enterprises with an accident this year"), default=True
    )
    include_overdue_hazards = models.BooleanField(
        _("always include enterprises with overdue hidden dangers"), default=True
    )
    include_expired_licences = models.BooleanField(
        _("always include enterprises with an expired licence"), default=True
    )
    unassessed_months = models.PositiveSmallIntegerField(
        _("frequency for enterprises without a risk level (months)"), default=12
    )
    general_deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline offered for a general finding (working days)"), default=10
    )
    major_deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline offered for a major finding (working days)"), default=30
    )
    # 分级分类监管: the enterprise's credit grade (credit record key "e") multiplies its risk
    # level's interval; no record is grade B's factor (1, unchanged by default).
    credit_factor_a = credit_factor_field(_("interval factor, credit grade A"), "1.50")
    credit_factor_b = credit_factor_field(_("interval factor, credit grade B"), "1.00")
    credit_factor_c = credit_factor_field(_("interval factor, credit grade C"), "0.75")
    credit_factor_d = credit_factor_field(_("interval factor, credit grade D"), "0.50")
    credit_source = models.CharField(
        _("source of the credit factors"), max_length=300, default=CREDIT_SOURCE
    )

    class Meta:
        verbose_name = _("targeting policy")
        verbose_name_plural = _("targeting policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_factor_a__gte=CREDIT_FACTOR_MIN)
                & models.Q(credit_factor_b__gte=CREDIT_FACTOR_MIN)
                & models.Q(credit_factor_c__gte=CREDIT_FACTOR_MIN)
                & models.Q(credit_factor_d__gte=CREDIT_FACTOR_MIN),
                name="targeting_credit_factor_positive",
            )
        ]

    def __str__(self):
        return f"{self.effective_from}: {self.source}"

    @classmethod
    def current(cls) -> "TargetingPolicy":
        policy = cls.objects.filter(effective_from__lte=timezone.localdate()).first()
        return policy or cls(effective_from=timezone.localdate(), source="built-in defaults")

    def frequencies(self) -> dict[str, int]:
        """Risk level → months between visits (red 1, orange 3, yellow 6, blue 12 by default)."""
        from safeloop.inspections.reference_data import DEFAULT_FREQUENCIES

        rows = dict(self.risk_frequencies.values_list("level", "months")) if self.pk else {}
        rows = rows or DEFAULT_FREQUENCIES
        return {level: rows.get(level, self.unassessed_months) for level in RiskLevel.values}

    def credit_factors(self) -> dict[str, Decimal]:
        """Credit grade → the factor on the risk level's interval."""
        return {
            "A": self.credit_factor_a,
            "B": self.credit_factor_b,
            "C": self.credit_factor_c,
            "D": self.credit_factor_d,
        }


class RiskFrequency(AuditedModel):
    policy = models.ForeignKey(
        TargetingPolicy, on_delete=models.CASCADE, related_name="risk_frequencies"
    )
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    months = models.PositiveSmallIntegerField(_("months between visits"))

    class Meta:
        verbose_name = _("visit frequency")
        verbose_name_plural = _("visit frequencies")
        constraints = [
            models.UniqueConstraint(fields=["policy", "level"], name="risk_frequency_once"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1), name="risk_frequency_positive"
            ),
        ]

    def __str__(self):
        return f"{self.level}: {self.months}"


class Plan(AuditedModel, Versioned):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise (self-inspection plan)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    policy = models.ForeignKey(
        TargetingPolicy,
        verbose_name=_("targeting policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
    )
    targeted_at = models.DateTimeField(_("targets generated"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    # A city plan carries the city's code: region grants reach it by prefix. Enterprise staff
    # reach only their own self-inspection plan.
    scope_paths = {"region": "region_code", "enterprise": "enterprise_id"}
    scope_roles = {"view": REGULATORS | ENTERPRISE_STAFF, "change": PLANNERS | ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("The end comes before the start."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.kind == PlanKind.SELF and not self.enterprise_id:
            errors["enterprise"] = _("A self-inspection plan belongs to one enterprise.")
        if self.kind != PlanKind.SELF and self.enterprise_id:
            errors["enterprise"] = _("Only a self-inspection plan names an enterprise.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The end comes before the start.")
        span = (
            (self.period_end - self.period_start).days
            if self.period_start and self.period_end
            else 0
        )
        if span > 400:
            errors["period_end"] = _("A plan covers at most a year.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.enterprise_id:
            self.region = self.enterprise.region
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    @property
    def months(self) -> int:
        return max(1, round((self.period_end - self.period_start).days / 30.4))


class PlanTarget(models.Model):
    """An enterprise a plan chose, with the reasons, written in bulk by the targeting SQL
    (the plan's audit entry records the run)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6)
    risk_level = models.CharField(_("risk level"), max_length=8, blank=True)
    reasons = models.JSONField(_("reason codes"), default=list)
    reason_text = models.TextField(_("why it was chosen"))
    visits_planned = models.PositiveSmallIntegerField(_("visits planned"), default=1)

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "enterprise__park_id",
        "grid": "enterprise__grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": REGULATORS, "change": PLANNERS}

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_target_once")
        ]

    def __str__(self):
        return f"{self.plan_id} {self.enterprise_id} {','.join(self.reasons)}"

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)  # codes: Reason
        return [str(labels.get(code, code)) for code in self.reasons]

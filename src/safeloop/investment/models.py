"""Safety investment: the safety-expense rate tables (财资〔2022〕136号) and the insurance rule
as versioned data with their source; each enterprise's year (previous year's revenue, the
extraction computed from it, what was extracted) and its uses with vouchers. Writes with rules
go through `services`."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise, EnterpriseChild
from safeloop.investment.calc import parse_bands
from safeloop.investment.choices import Confidence, UseCategory
from safeloop.orgs.roles import ADMINS

# Who adds versions of the tables and the insurance rule: the administrators.
RULE_EDITORS = frozenset(ADMINS)
MONEY = {"max_digits": 16, "decimal_places": 2}


class RateTable(AuditedModel):
    """One sector's marginal-band extraction table from a day on. `bands` is
    [{"up_to": yuan or null, "rate": percent}], uppers rising, the last one open. A change is
    a new row, so a year's figure always names the table it was computed with."""

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    bands = models.JSONField(_("bands"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("basis"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("safety expense rate table")
        verbose_name_plural = _("safety expense rate tables")
        ordering = ["sector", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "effective_from"], name="investment_table_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_sector_display()} · {self.effective_from}"

    def parsed(self):
        return parse_bands(self.bands)

    @classmethod
    def in_force(cls, day=None) -> dict[str, "RateTable"]:
        """{sector: the table in force on `day`}."""
        day = day or timezone.localdate()
        found: dict[str, RateTable] = {}
        for table in cls.objects.filter(effective_from__lte=day).order_by(
            "sector", "-effective_from", "-id"
        ):
            found.setdefault(table.sector, table)
        return found


class InsuranceRule(AuditedModel):
    """Insurance and deposits from a day on: the work-injury coverage every enterprise must
    reach, the sectors that must hold a risk deposit or work-safety liability insurance, and
    how many days before a policy ends it is warned of."""

    coverage_percent = models.PositiveSmallIntegerField(
        _("work-injury insurance coverage required (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    guarantee_sectors = ArrayField(
        models.CharField(max_length=20, choices=Sector.choices),
        verbose_name=_("sectors that need a risk deposit or liability insurance"),
        default=list,
        blank=True,
    )
    warn_days = models.PositiveSmallIntegerField(
        _("warn before a policy ends (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("basis"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("insurance rule")
        verbose_name_plural = _("insurance rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return str(self.effective_from)

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(s, s)) for s in self.guarantee_sectors]

    @classmethod
    def in_force(cls, day=None) -> "InsuranceRule | None":
        day = day or timezone.localdate()
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class ExpenseYear(Versioned, EnterpriseChild):
    """One enterprise's safety expense in one year: the previous year's revenue it recorded,
    the extraction computed from it with the table in force (kept band by band), what it has
    extracted so far, and for its first recorded year the balance brought in."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    revenue = models.DecimalField(
        _("previous year's operating revenue (yuan)"),
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    table = models.ForeignKey(
        RateTable,
        verbose_name=_("rate table"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    required = models.DecimalField(_("extraction for the year (yuan)"), default=0, **MONEY)
    monthly = models.DecimalField(_("monthly accrual (yuan)"), default=0, **MONEY)
    bands = models.JSONField(_("calculation"), default=list, blank=True)
    extracted = models.DecimalField(
        _("extracted so far (yuan)"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    opening_balance = models.DecimalField(
        _("balance brought in (yuan)"),
        null=True,
        blank=True,
        help_text=_("Only for the first year recorded; later years carry the balance over."),
        **MONEY,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("safety expense year")
        verbose_name_plural = _("safety expense years")
        ordering = ["-year", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="investment_year_once")
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.year}"


class ExpenseUse(Versioned, EnterpriseChild):
    """One spend of the safety expense, with its voucher (a PDF scan). Never deleted: a use
    entered by mistake is voided."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    expense_year = models.ForeignKey(
        ExpenseYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="uses"
    )
    spent_on = models.DateField(_("spent on"))
    category = models.CharField(_("use category"), max_length=20, choices=UseCategory.choices)
    amount = models.DecimalField(_("amount (yuan)"), validators=[MinValueValidator(0)], **MONEY)
    description = models.CharField(_("what was bought or done"), max_length=300)
    voucher = models.FileField(_("voucher (PDF)"), upload_to="investment/%Y/%m/", blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_note = models.CharField(_("why void"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("safety expense use")
        verbose_name_plural = _("safety expense uses")
        ordering = ["-spent_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "spent_on"], name="investment_use_ent_day"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.description}"

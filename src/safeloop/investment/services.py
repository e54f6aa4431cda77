"""Writes of the safety-investment app: the rate tables and the insurance rule (versions
added, never edited), an enterprise's year (revenue → extraction, what was extracted) and its
uses with vouchers (voided, never deleted)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.investment import calc
from safeloop.investment.choices import UseCategory
from safeloop.investment.models import (
    RULE_EDITORS,
    ExpenseUse,
    ExpenseYear,
    InsuranceRule,
    RateTable,
)

TABLE_FIELDS = ("sector", "bands", "effective_from", "source", "confidence", "notes")
INSURANCE_FIELDS = (
    "coverage_percent",
    "guarantee_sectors",
    "warn_days",
    "effective_from",
    "source",
    "confidence",
    "notes",
)
YEAR_FIELDS = ("revenue", "extracted", "opening_balance", "note")
USE_FIELDS = ("spent_on", "category", "amount", "description")
BAND_ERRORS = {
    "empty": "Give at least one band.",
    "shape": 'Each band is {"up_to": yuan or null, "rate": percent}.',
    "number": "Bounds and rates are numbers.",
    "rate": "A rate is between 0 and 100 percent.",
    "open": "Only the last band has no upper bound.",
    "order": "Upper bounds rise from band to band.",
    "closed": "The last band has no upper bound.",
}


def table_for(sector: str, year: int) -> RateTable | None:
    """The table a year is computed with: the one in force on 1 January, else the first one
    that came into force during the year."""
    return RateTable.in_force(date(year, 1, 1)).get(sector) or RateTable.in_force(
        date(year, 12, 31)
    ).get(sector)


def _visible_enterprise(actor, enterprise) -> Enterprise:
    require(
        enterprise is not None
        and Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "enterprise",
    )
    return enterprise


def _money(value, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    require(
        amount.is_finite() and Decimal(0) <= amount < calc.MAX_REVENUE,
        _("Give an amount in yuan, at least 0."),
        field,
    )
    require(amount == amount.quantize(calc.FEN), _("At most two decimal places."), field)
    return amount


@service
def add_table(*, actor, **fields) -> RateTable:
    """A new version of one sector's rate table; older versions stay for the history."""
    allow(actor is None or bool(actor.roles & RULE_EDITORS), _("Only an administrator."))
    table = RateTable(**{k: v for k, v in fields.items() if k in TABLE_FIELDS})
    require(table.sector in Sector.values, _("Choose a sector."), "sector")
    try:
        table.parsed()
    except ValueError as error:
        require(False, _(BAND_ERRORS.get(str(error), BAND_ERRORS["shape"])), "bands")
    require((table.source or "").strip(), _("Give the source of the table."), "source")
    require(
        not RateTable.objects.filter(
            sector=table.sector, effective_from=table.effective_from
        ).exists(),
        _("This sector already has a table from that day."),
        "effective_from",
    )
    table.full_clean()
    table.save(action="investment.table.add")
    return table


@service
def add_insurance_rule(*, actor, **fields) -> InsuranceRule:
    allow(actor is None or bool(actor.roles & RULE_EDITORS), _("Only an administrator."))
    rule = InsuranceRule(**{k: v for k, v in fields.items() if k in INSURANCE_FIELDS})
    rule.guarantee_sectors = sorted(set(rule.guarantee_sectors or []))
    require(
        set(rule.guarantee_sectors) <= set(Sector.values),
        _("Choose sectors from the list."),
        "guarantee_sectors",
    )
    require((rule.source or "").strip(), _("Give the source of the rule."), "source")
    require(
        not InsuranceRule.objects.filter(effective_from=rule.effective_from).exists(),
        _("There is already a rule from that day."),
        "effective_from",
    )
    rule.full_clean()
    rule.save(action="investment.insurance_rule.add")
    return rule


def compute_extraction(row: ExpenseYear) -> None:
    """The year's extraction from its revenue with the sector's table (none: nothing due)."""
    table = table_for(row.sector, row.year)
    row.table = table
    if table is None:
        row.required, row.monthly, row.bands = Decimal(0), Decimal(0), []
        return
    result = calc.extraction(row.revenue, table.parsed())
    row.required, row.monthly = result.total, result.monthly
    row.bands = [b.as_dict() for b in result.bands]


@service
def record_year(
    *,
    actor,
    enterprise,
    year: int,
    revenue,
    extracted=0,
    opening_balance=None,
    note: str = "",
    version=None,
) -> ExpenseYear:
    """An enterprise's year: created, or (naming the version read) its figures replaced and
    the extraction computed again with the enterprise's sector and the table of that year."""
    _visible_enterprise(actor, enterprise)
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    require(2000 <= year <= timezone.localdate().year + 1, _("Choose a past or this year."), "year")
    revenue = _money(revenue, "revenue")
    extracted = _money(extracted or 0, "extracted")
    opening = _money(opening_balance, "opening_balance", allow_none=True)
    existing = ExpenseYear.objects.filter(enterprise=enterprise, year=year).first()
    if existing is None:
        row = ExpenseYear(enterprise=enterprise, year=year)
        track(row)
    else:
        row = lock(ExpenseYear, actor, existing.pk, version=version)
        bump(row)
    row.revenue, row.extracted, row.opening_balance = revenue, extracted, opening
    row.note = (note or "")[:300]
    row.sector = Enterprise.objects.get(pk=enterprise.pk).sector
    compute_extraction(row)
    row.full_clean()
    row.save(action="investment.year.save")
    return row


@service
def record_use(*, actor, enterprise, voucher=None, **fields) -> ExpenseUse:
    """One spend of the safety expense with its voucher, booked to the year it was spent in
    (that year's revenue must be recorded first)."""
    _visible_enterprise(actor, enterprise)
    use = ExpenseUse(enterprise=enterprise, **{k: v for k, v in fields.items() if k in USE_FIELDS})
    require(use.category in UseCategory.values, _("Choose the use category."), "category")
    require(isinstance(use.spent_on, date), _("Enter a valid date."), "spent_on")
    require(use.spent_on <= timezone.localdate(), _("Record a spend once it is made."), "spent_on")
    amount = _money(use.amount, "amount")
    require(amount is not None and amount > 0, _("Give an amount in yuan, more than 0."), "amount")
    use.amount = amount  # type: ignore[assignment]
    require((use.description or "").strip(), _("Say what was bought or done."), "description")
    year = ExpenseYear.objects.filter(enterprise=enterprise, year=use.spent_on.year).first()
    require(
        year is not None,
        _("Record the revenue of %(year)s first: a use is booked against its year.")
        % {"year": use.spent_on.year},
        "spent_on",
    )
    use.expense_year = year  # type: ignore[assignment]
    use.voucher = clean_pdf(voucher, field="voucher")
    use.full_clean()
    use.save(action="investment.use.create")
    track(use)
    return use


@service
def void_use(*, actor, use, version, note: str = "") -> ExpenseUse:
    """A use entered by mistake stays, marked void; it no longer counts. The version read is
    required."""
    require(version not in (None, ""), _("Give the version you read."), "version")
    use = lock(ExpenseUse, actor, use.pk, version=version)
    require(use.voided_at is None, _("This use is already void."))
    require((note or "").strip(), _("Say why the use is void."), "note")
    use.voided_at = timezone.now()
    use.void_note = note[:300]
    bump(use)
    use.save(action="investment.use.void")
    return use

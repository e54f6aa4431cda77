"""Demo safety-investment history: for the demo enterprises in a sector with a rate table,
last year and this year (revenue, extraction — some short — and uses with a voucher, one
outside the permitted categories). Re-running adds nothing (keyed by enterprise and year;
by enterprise, day and description)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.investment import services
from safeloop.investment.calc import due_to_date
from safeloop.investment.choices import UseCategory
from safeloop.investment.models import ExpenseUse, ExpenseYear, InsuranceRule, RateTable

DATA = Path(__file__).resolve().parent / "data" / "tables.json"
# A minimal valid PDF: the demo's voucher scan.
VOUCHER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
USES = [
    (UseCategory.PPE, "劳动防护用品采购（安全帽、防护服）", Decimal("0.12")),
    (UseCategory.EQUIPMENT, "除尘系统及安全防护设施维护", Decimal("0.25")),
    (UseCategory.TRAINING, "全员安全生产教育培训", Decimal("0.06")),
    (UseCategory.EMERGENCY, "综合应急预案演练及器材补充", Decimal("0.09")),
    (UseCategory.TESTING, "特种设备定期检验", Decimal("0.05")),
    (UseCategory.INSURANCE, "安全生产责任保险保费", Decimal("0.08")),
]


def ensure_rules() -> None:
    """The tables and the insurance rule as migration 0002 loads them, again where a database
    was emptied since (tests that flush it); versions an administrator added stay."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["tables"]:
        RateTable.objects.get_or_create(
            sector=row["sector"], effective_from=row["effective_from"], defaults=row
        )
    rule = data["insurance"]
    InsuranceRule.objects.get_or_create(effective_from=rule["effective_from"], defaults=rule)


def _year(enterprise, year: int, revenue: Decimal, share: Decimal) -> ExpenseYear:
    row = ExpenseYear.objects.filter(enterprise=enterprise, year=year).first()
    if row is not None:
        return row
    row = ExpenseYear(
        enterprise=enterprise,
        year=year,
        revenue=revenue,
        sector=enterprise.sector,
        opening_balance=Decimal(0),
    )
    services.compute_extraction(row)
    today = timezone.localdate()
    months = 12 if year < today.year else today.month - 1
    due = due_to_date(row.required, row.monthly, months)
    row.extracted = (due * share).quantize(Decimal("0.01"))
    row.save(action="investment.year.save")
    return row


def _use(enterprise, day: date, category, description: str, amount: Decimal) -> None:
    if ExpenseUse.objects.filter(enterprise=enterprise, spent_on=day, description=description):
        return
    year = ExpenseYear.objects.get(enterprise=enterprise, year=day.year)
    use = ExpenseUse(
        enterprise=enterprise,
        expense_year=year,
        spent_on=day,
        category=category,
        amount=amount,
        description=description,
    )
    use.voucher.save(f"voucher-{enterprise.pk}-{day:%Y%m%d}.pdf", ContentFile(VOUCHER), save=False)
    use.save(action="investment.use.create")


def seed() -> None:
    ensure_rules()
    today = timezone.localdate()
    sectors = set(RateTable.in_force(today))
    enterprises = list(Enterprise.objects.filter(sector__in=sectors).order_by("pk")[:16])
    for i, enterprise in enumerate(enterprises):
        revenue = Decimal(8_000_000 + (i * 37_000_000) % 900_000_000)
        # every fourth enterprise is short this year; the others are in place
        last = _year(enterprise, today.year - 1, revenue * Decimal("0.92"), Decimal(1))
        this = _year(enterprise, today.year, revenue, Decimal("0.6") if i % 4 == 1 else Decimal(1))
        for row in (last, this):
            months = 12 if row.year < today.year else max(today.month - 1, 1)
            for k, (category, description, share) in enumerate(USES[: 3 + i % 4]):
                month = 1 + (k * 2 + i) % months
                day = date(row.year, month, 10 + k)
                if day > today:
                    continue
                amount = (row.required * share).quantize(Decimal("0.01")) or Decimal("800.00")
                _use(enterprise, day, category, description, amount)
        if i % 6 == 2 and today.month > 1:
            _use(
                enterprise,
                date(today.year, 1, 20),
                UseCategory.OUTSIDE,
                "职工节日福利（误列安全费用）",
                Decimal("18000.00"),
            )

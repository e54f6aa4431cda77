"""The safety-expense arithmetic of 财资〔2022〕136号: the previous year's revenue over marginal
(超额累退) bands, each band's part at its rate, summed; accrued monthly in twelve equal parts.

Pure functions over Decimals: the tables are data (`models.RateTable`), never constants here.
Each band's amount is exact (revenue in fen times a rate in hundredths of a percent); the
year's total is rounded to the fen once, half up, and the monthly accrual is that total / 12
rounded the same way."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_REVENUE = Decimal("1e14")  # 100 万亿元: above any enterprise's revenue, inside the column


def exact(amount: Decimal) -> str:
    """An amount as text, exactly, in one form: at least the fen ("1350000.00"), more places
    only where the amount has them ("0.00015")."""
    if amount == amount.quantize(FEN):
        return str(amount.quantize(FEN))
    return format(amount.normalize(), "f")


@dataclass(frozen=True)
class BandLine:
    lower: Decimal  # yuan, exclusive (0 for the first band)
    upper: Decimal | None  # yuan, inclusive; None: no upper bound
    rate: Decimal  # percent
    base: Decimal  # the part of the revenue in this band
    amount: Decimal  # base × rate / 100, exact

    def as_dict(self) -> dict:
        return {
            "lower": exact(self.lower),
            "upper": None if self.upper is None else exact(self.upper),
            "rate_percent": format(self.rate.normalize(), "f"),
            "base": exact(self.base),
            "amount": exact(self.amount),
        }


@dataclass(frozen=True)
class Extraction:
    revenue: Decimal
    bands: list[BandLine]
    total: Decimal  # the year's extraction, to the fen
    monthly: Decimal  # the monthly accrual, to the fen

    def as_dict(self) -> dict:
        return {
            "revenue": exact(self.revenue),
            "bands": [b.as_dict() for b in self.bands],
            "total": exact(self.total),
            "monthly": exact(self.monthly),
        }


def parse_bands(raw) -> list[tuple[Decimal | None, Decimal]]:
    """[(upper or None, rate percent)] from the stored form [{"up_to": "…"|null, "rate": "…"}].
    Raises ValueError with a message when the table is not a valid marginal table: uppers
    rising, only the last open, rates between 0 and 100."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("empty")
    bands: list[tuple[Decimal | None, Decimal]] = []
    previous = Decimal(0)
    for i, row in enumerate(raw):
        if not isinstance(row, dict) or set(row) != {"up_to", "rate"}:
            raise ValueError("shape")
        try:
            rate = Decimal(str(row["rate"]))
            upper = None if row["up_to"] is None else Decimal(str(row["up_to"]))
        except (InvalidOperation, ValueError):
            raise ValueError("number") from None
        if not rate.is_finite() or not (0 <= rate <= 100):
            raise ValueError("rate")
        last = i == len(raw) - 1
        if upper is None and not last:
            raise ValueError("open")
        if upper is not None and (not upper.is_finite() or upper <= previous):
            raise ValueError("order")
        if upper is not None and last:
            raise ValueError("closed")
        bands.append((upper, rate))
        previous = upper if upper is not None else previous
    return bands


def extraction(revenue: Decimal, bands: list[tuple[Decimal | None, Decimal]]) -> Extraction:
    """The year's extraction from the previous year's revenue, band by band."""
    revenue = Decimal(revenue)
    if not revenue.is_finite() or revenue < 0:
        raise ValueError("revenue")
    lines = []
    lower = Decimal(0)
    for upper, rate in bands:
        top = revenue if upper is None else min(revenue, upper)
        base = max(top - lower, Decimal(0))
        lines.append(BandLine(lower, upper, rate, base, base * rate / HUNDRED))
        if upper is None:
            break
        lower = upper
    total = sum((line.amount for line in lines), Decimal(0)).quantize(FEN, ROUND_HALF_UP)
    monthly = (total / 12).quantize(FEN, ROUND_HALF_UP)
    return Extraction(revenue, lines, total, monthly)


def due_to_date(total: Decimal, monthly: Decimal, months: int) -> Decimal:
    """What should be extracted after `months` whole months (0–12): monthly × months, and the
    whole year's figure after twelve (so fen lost to rounding are not asked for twice)."""
    if months >= 12:
        return total
    return monthly * max(months, 0)

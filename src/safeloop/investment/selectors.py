"""Reads of the safety-investment app: an enterprise's years with the balance carried over,
extraction against use by county and sector, the gaps (extraction short, use outside the
permitted categories, insurance and deposits) the warnings and key units read, and
`safety_investment_gaps(year)` for other apps."""

from collections import namedtuple
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise
from safeloop.investment.calc import due_to_date
from safeloop.investment.choices import GapReason, InsuranceGap, UseCategory
from safeloop.investment.models import ExpenseUse, ExpenseYear, InsuranceRule, RateTable

ZERO = Decimal(0)


def years_for(user) -> QuerySet[ExpenseYear]:
    return ExpenseYear.objects.for_user(user, "view").select_related("enterprise", "table")


def uses_for(user) -> QuerySet[ExpenseUse]:
    return ExpenseUse.objects.for_user(user, "view").select_related("enterprise", "expense_year")


def months_elapsed(year: int, today: date) -> int:
    """Whole months of `year` gone by on `today`: 0 in January of that year, 12 after it."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


@dataclass
class YearLine:
    row: ExpenseYear
    opening: Decimal
    used: Decimal
    used_outside: Decimal
    closing: Decimal
    due: Decimal  # what should be extracted by now

    @property
    def short(self) -> Decimal:
        return max(self.due - self.row.extracted, ZERO)


def ledger(enterprise, today: date | None = None) -> list[YearLine]:
    """The enterprise's years, newest first, each with the balance brought in (the previous
    year's closing balance, or the figure entered for the first year recorded), the uses
    (voided ones do not count) and the closing balance."""
    today = today or timezone.localdate()
    rows = list(ExpenseYear.objects.filter(enterprise=enterprise).order_by("year"))
    spent: dict[int, Any] = {
        r["expense_year_id"]: r
        for r in ExpenseUse.objects.filter(enterprise=enterprise, voided_at__isnull=True)
        .values("expense_year_id")
        .annotate(
            used=Sum("amount"),
            outside=Sum("amount", filter=Q(category=UseCategory.OUTSIDE)),
        )
    }
    lines: list[YearLine] = []
    previous: YearLine | None = None
    for row in rows:
        if previous is not None and previous.row.year == row.year - 1:
            opening = previous.closing
        else:
            opening = row.opening_balance or ZERO
        used = spent.get(row.pk, {}).get("used") or ZERO
        outside = spent.get(row.pk, {}).get("outside") or ZERO
        line = YearLine(
            row,
            opening,
            used,
            outside,
            opening + row.extracted - used,
            due_to_date(row.required, row.monthly, months_elapsed(row.year, today)),
        )
        lines.append(line)
        previous = line
    return list(reversed(lines))


def summary(enterprises: QuerySet[Enterprise], year: int) -> list[dict]:
    """Extraction against use for `year`, one row per county and sector of the given
    (already scoped) enterprises: enterprises, how many recorded the year, extraction due for
    the year, extracted, used, used outside the permitted categories."""
    live = enterprises.filter(deleted_at__isnull=True)
    counts = {
        (r["region_code"], r["sector"]): r["n"]
        for r in live.values("region_code", "sector").annotate(n=Count("id"))
    }
    years = ExpenseYear.objects.filter(year=year, enterprise__in=live)
    figures = {
        (r["enterprise__region_code"], r["enterprise__sector"]): r
        for r in years.values("enterprise__region_code", "enterprise__sector").annotate(
            recorded=Count("id"), required=Sum("required"), extracted=Sum("extracted")
        )
    }
    uses = ExpenseUse.objects.filter(
        expense_year__year=year, voided_at__isnull=True, enterprise__in=live
    )
    spent = {
        (r["enterprise__region_code"], r["enterprise__sector"]): r
        for r in uses.values("enterprise__region_code", "enterprise__sector").annotate(
            used=Sum("amount"), outside=Sum("amount", filter=Q(category=UseCategory.OUTSIDE))
        )
    }
    from safeloop.orgs.models import Region

    names = dict(Region.objects.filter(code__in={k[0] for k in counts}).values_list("code", "name"))
    rows = []
    for key in sorted(counts):
        f: Any = figures.get(key, {})
        s: Any = spent.get(key, {})
        rows.append(
            {
                "region_code": key[0],
                "region": names.get(key[0], key[0]),
                "sector": key[1],
                "enterprises": counts[key],
                "recorded": f.get("recorded", 0),
                "required": f.get("required") or ZERO,
                "extracted": f.get("extracted") or ZERO,
                "used": s.get("used") or ZERO,
                "used_outside": s.get("outside") or ZERO,
            }
        )
    return rows


@dataclass(frozen=True)
class InvestmentGap:
    """One enterprise whose safety expense of `year` is not in place, and why."""

    enterprise_id: int
    year: int
    reason: str  # GapReason
    due: Decimal  # what should have been extracted by the day asked
    extracted: Decimal
    used_outside: Decimal

    @property
    def period(self) -> str:
        return f"{self.year}:{self.reason}"


def safety_investment_gaps(
    year: int, *, today: date | None = None, include_never: bool = False, enterprises=None
) -> list[InvestmentGap]:
    """Enterprises whose safety expense of `year` is not in place on `today`: extraction short
    of the monthly accrual due by then (the whole year's figure once the year is over), or
    any use booked outside the permitted categories. Only live enterprises in a sector with a
    rate table count; with `include_never`, also those that recorded nothing for the year.
    `enterprises` (a queryset) narrows it to a user's scope in the database."""
    today = today or timezone.localdate()
    months = months_elapsed(year, today)
    sectors = set(RateTable.in_force(date(year, 12, 31)))
    live = Enterprise.objects.filter(deleted_at__isnull=True).exclude(
        status__in=[Status.CLOSED, Status.ELIMINATED]
    )
    if enterprises is not None:
        live = live.filter(pk__in=enterprises.values("pk"))
    found: list[InvestmentGap] = []
    rows = ExpenseYear.objects.filter(year=year, enterprise__in=live).order_by("enterprise_id")
    outside = dict(
        ExpenseUse.objects.filter(
            expense_year__year=year,
            voided_at__isnull=True,
            category=UseCategory.OUTSIDE,
            enterprise__in=live,
        )
        .values("enterprise_id")
        .annotate(total=Sum("amount"))
        .values_list("enterprise_id", "total")
    )
    recorded = set()
    for row in rows:
        recorded.add(row.enterprise_id)
        due = due_to_date(row.required, row.monthly, months)
        if row.extracted < due:
            found.append(
                InvestmentGap(
                    row.enterprise_id,
                    year,
                    GapReason.SHORT,
                    due,
                    row.extracted,
                    outside.get(row.enterprise_id, ZERO),
                )
            )
    for enterprise_id, total in sorted(outside.items()):
        found.append(
            InvestmentGap(enterprise_id, year, GapReason.OUTSIDE, ZERO, ZERO, total or ZERO)
        )
    if include_never and months > 0:
        missing = (
            live.filter(sector__in=sectors)
            .exclude(pk__in=recorded)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        found += [InvestmentGap(pk, year, GapReason.NO_RECORD, ZERO, ZERO, ZERO) for pk in missing]
    return found


def gap_text(gap: InvestmentGap) -> str:
    """A gap in words, in the active language (the warnings' reason)."""
    from django.utils.translation import gettext as _

    from safeloop.investment.calc import exact

    if gap.reason == GapReason.SHORT:
        return _("Safety expense %(year)s: extracted %(got)s of %(due)s yuan due.") % {
            "year": gap.year,
            "got": exact(gap.extracted),
            "due": exact(gap.due),
        }
    if gap.reason == GapReason.OUTSIDE:
        return _(
            "Safety expense %(year)s: %(amount)s yuan used outside the permitted categories."
        ) % {"year": gap.year, "amount": exact(gap.used_outside)}
    return _("Safety expense %(year)s: nothing recorded.") % {"year": gap.year}


def gap_ids(today: date, *, include_never: bool = False, enterprises=None) -> QuerySet:
    """For the key units list: ids (column `enterprise_id`) of enterprises (of
    `enterprises` only, when given) with a safety-expense gap this year (to date) or last
    year."""
    ids: set[int] = set()
    for year in (today.year - 1, today.year):
        gaps = safety_investment_gaps(
            year, today=today, include_never=include_never, enterprises=enterprises
        )
        ids |= {g.enterprise_id for g in gaps}
    return Enterprise.objects.filter(pk__in=sorted(ids)).values(enterprise_id=F("pk"))


@dataclass(frozen=True)
class InsuranceStatus:
    enterprise_id: int
    coverage: Decimal | None  # insured / employees in percent, None without employees
    needs_guarantee: bool
    liability_in_force: bool
    deposit: bool
    liability_expiry: date | None
    gaps: tuple[str, ...]  # InsuranceGap values


def insurance_status(
    enterprise: Enterprise, rule: InsuranceRule | None, today: date
) -> InsuranceStatus:
    """The enterprise's work-injury coverage and, for the sectors the rule names, whether a
    risk deposit or liability insurance is in force."""
    coverage = (
        (Decimal(enterprise.injury_insured) * 100 / enterprise.employees).quantize(Decimal("0.1"))
        if enterprise.employees
        else None
    )
    liability = bool(
        enterprise.liability_policy
        and enterprise.liability_expiry
        and enterprise.liability_expiry >= today
    )
    deposit = bool(enterprise.deposit_amount and enterprise.deposit_amount > 0)
    needs = bool(rule and enterprise.sector in rule.guarantee_sectors)
    gaps = []
    if rule and coverage is not None and coverage < rule.coverage_percent:
        gaps.append(InsuranceGap.COVERAGE.value)
    if needs and not liability and not deposit:
        gaps.append(InsuranceGap.GUARANTEE.value)
    if (
        needs
        and liability
        and not deposit
        and rule
        and (enterprise.liability_expiry - today).days <= rule.warn_days  # type: ignore[operator]
    ):
        gaps.append(InsuranceGap.EXPIRING.value)
    return InsuranceStatus(
        enterprise.pk, coverage, needs, liability, deposit, enterprise.liability_expiry, tuple(gaps)
    )


_InsuranceRow = namedtuple(  # noqa: PYI024
    "_InsuranceRow",
    [
        "pk",
        "sector",
        "employees",
        "injury_insured",
        "liability_policy",
        "liability_expiry",
        "deposit_amount",
    ],
)
_INSURANCE_FIELDS = _InsuranceRow._fields


def insurance_gaps(today: date | None = None, *, enterprises=None) -> list[InsuranceStatus]:
    """Live enterprises with an insurance or deposit gap under the rule in force;
    `enterprises` (a queryset) narrows it to a user's scope in the database."""
    today = today or timezone.localdate()
    rule = InsuranceRule.in_force(today)
    if rule is None:
        return []
    candidates = (
        Enterprise.objects.filter(deleted_at__isnull=True)
        .exclude(status__in=[Status.CLOSED, Status.ELIMINATED])
        .filter(
            Q(employees__gt=0, injury_insured__lt=models_ratio(rule))
            | Q(sector__in=rule.guarantee_sectors)
        )
        .order_by("pk")
    )
    if enterprises is not None:
        candidates = candidates.filter(pk__in=enterprises.values("pk"))
    return _judged(candidates.values_list(*_INSURANCE_FIELDS), rule, today)


def _judged(rows, rule: InsuranceRule, today: date) -> list[InsuranceStatus]:
    """The statuses with a gap among `rows` (values of `_INSURANCE_FIELDS`): plain rows with
    the fields insurance_status reads, not model instances — a city has tens of thousands."""
    found = (insurance_status(_InsuranceRow(*v), rule, today) for v in rows)  # type: ignore[arg-type]
    return [status for status in found if status.gaps]


def insurance_gap_page(
    today: date, *, enterprises, limit: int
) -> tuple[int, list[InsuranceStatus]]:
    """How many enterprises of `enterprises` `insurance_gaps` would list, and the first
    `limit` of them, without judging every one in Python (a city has tens of thousands, most
    in a guarantee sector without a guarantee). The guarantee and expiring gaps are exact in
    SQL; only the enterprises short of coverage outside that set are judged one by one."""
    rule = InsuranceRule.in_force(today)
    if rule is None:
        return 0, []
    live = (
        enterprises.filter(deleted_at__isnull=True)
        .exclude(status__in=[Status.CLOSED, Status.ELIMINATED])
        .order_by("pk")
    )
    # needs a guarantee, has no deposit, and no policy running past the warning window
    warned = today + timedelta(days=rule.warn_days)
    guarantee = Q(sector__in=rule.guarantee_sectors) & ~Q(deposit_amount__gt=0)
    guarantee &= ~(Q(liability_policy__gt="") & Q(liability_expiry__gt=warned))
    short = Q(employees__gt=0, injury_insured__lt=models_ratio(rule))

    short_only = list(live.filter(short).exclude(guarantee).values_list(*_INSURANCE_FIELDS))
    outside = _judged(short_only, rule, today)
    total = live.filter(guarantee).count() + len(outside)
    # Every row of either set is a gap but the short ones judged not to be: reading that
    # many more than `limit` rows in order holds the first `limit` gaps.
    misses = len(short_only) - len(outside)
    rows = live.filter(guarantee | short).values_list(*_INSURANCE_FIELDS)[: limit + misses]
    first = _judged(rows, rule, today)[:limit]
    return total, first


def models_ratio(rule: InsuranceRule):
    """insured < employees × coverage% as a database expression (a pre-filter; the exact
    comparison is insurance_status's)."""
    return F("employees") * rule.coverage_percent / 100.0


def insurance_gap_ids(today: date) -> QuerySet:
    """For the key units list: ids (column `enterprise_id`) of enterprises in a sector the
    rule names with neither a risk deposit nor liability insurance in force. Coverage short
    of the rule and a policy about to end are warned of, not listed (see docs/decisions.md).
    The same test as `insurance_status`'s guarantee gap, as one query: a subquery of the
    list, not a pass over every enterprise in Python."""
    rule = InsuranceRule.in_force(today)
    if rule is None:
        return Enterprise.objects.none().values(enterprise_id=F("pk"))
    return (
        Enterprise.objects.filter(deleted_at__isnull=True, sector__in=rule.guarantee_sectors)
        .exclude(status__in=[Status.CLOSED, Status.ELIMINATED])
        .exclude(Q(liability_policy__gt="") & Q(liability_expiry__gte=today))
        .exclude(deposit_amount__gt=0)
        .values(enterprise_id=F("pk"))
    )


def todo_for(user, limit: int = 10) -> list:
    """For enterprise staff: this year's revenue not recorded yet, in a sector with a table."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from safeloop.core.todo import Todo
    from safeloop.orgs.roles import ENTERPRISE_STAFF

    if not user.roles & ENTERPRISE_STAFF:
        return []
    today = timezone.localdate()
    sectors = set(RateTable.in_force(today))
    enterprises = (
        Enterprise.objects.for_user(user, "change")
        .filter(deleted_at__isnull=True, sector__in=sectors)
        .exclude(pk__in=ExpenseYear.objects.filter(year=today.year).values("enterprise_id"))
        .order_by("name")[:limit]
    )
    return [
        Todo(
            kind=_("Record last year's revenue"),
            title=f"{e.name} · {_('safety expense')} {today.year}",
            link=reverse("investment-enterprise", args=[e.pk]),
            asked_by=_("财资〔2022〕136号"),
            since=date(today.year, 1, 1),
        )
        for e in enterprises
    ]

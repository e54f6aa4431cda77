"""The safety-investment screens: extraction against use across the reader's scope (by
county and sector, with the gaps), one enterprise's years (revenue → extraction band by
band, uses with vouchers, the balance carried over, insurance and deposits), a use with its
voucher, the rate tables and insurance rule, and the public calculator."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core import ratelimit
from safeloop.core.scoping import can
from safeloop.core.views import attempt_form, get_for_user_or_404
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.investment import calc, selectors, services
from safeloop.investment.choices import GapReason, InsuranceGap
from safeloop.investment.forms import (
    CalculatorForm,
    InsuranceRuleForm,
    TableForm,
    UseForm,
    VoidForm,
    YearForm,
)
from safeloop.investment.models import (
    RULE_EDITORS,
    ExpenseUse,
    InsuranceRule,
    RateTable,
)
from safeloop.orgs.roles import REGULATORS

HOUR = 3600


def calculator_limit() -> int:
    """Calculations per client network and hour, public page and API together."""
    return getattr(settings, "SAFELOOP_CALCULATOR_PER_HOUR", 120)


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


LISTED = 100  # rows of each gap list on the page


@login_required
def home(request):
    """Extraction against use of a year by county and sector, and who is not in place."""
    year = _year(request)
    today = timezone.localdate()
    scope = Enterprise.objects.for_user(request.user, "view")
    gaps = selectors.safety_investment_gaps(year, today=today, enterprises=scope)
    insured, insurance = selectors.insurance_gap_page(today, enterprises=scope, limit=LISTED)
    # A city has tens of thousands: the page lists the first ones and says how many there are.
    counts = {"gaps": len(gaps), "insurance": insured}
    gaps = gaps[:LISTED]
    names = dict(
        scope.filter(
            pk__in={g.enterprise_id for g in gaps} | {s.enterprise_id for s in insurance}
        ).values_list("pk", "name")
    )
    rows = selectors.summary(scope, year)
    sector_labels = dict(Sector.choices)
    for row in rows:
        row["sector_label"] = sector_labels.get(row["sector"], row["sector"])
    reason_labels = dict(GapReason.choices)
    insurance_labels = dict(InsuranceGap.choices)
    return render(
        request,
        "investment/home.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "rows": rows,
            "totals": {
                k: sum(r[k] for r in rows)
                for k in (
                    "enterprises",
                    "recorded",
                    "required",
                    "extracted",
                    "used",
                    "used_outside",
                )
            },
            "gaps": [
                {"gap": g, "name": names[g.enterprise_id], "label": reason_labels[g.reason]}
                for g in gaps
            ],
            "insurance": [
                {
                    "status": s,
                    "name": names[s.enterprise_id],
                    "labels": [insurance_labels[x] for x in s.gaps],
                }
                for s in insurance
            ],
            "mine": scope.order_by("name")[:20] if not request.user.roles & REGULATORS else [],
            "regulator": bool(request.user.roles & REGULATORS),
            "counts": counts,
            "listed": LISTED,
        },
    )


@login_required
def enterprise(request, pk):
    """One enterprise's safety expense and insurance. Staff and regulators in scope record the
    year's revenue and extraction and the uses here."""
    firm = get_for_user_or_404(Enterprise, request.user, pk)
    may_edit = can(request.user, "change", firm)
    today = timezone.localdate()
    lines = selectors.ledger(firm, today)
    by_year = {line.row.year: line for line in lines}
    shown = (
        _year(request) if "year" in request.GET else (lines[0].row.year if lines else today.year)
    )
    line = by_year.get(shown)
    year_form = use_form = None
    status = 200
    if may_edit:
        initial = {"year": shown}
        if line:
            row = line.row
            initial.update(
                revenue=row.revenue,
                extracted=row.extracted,
                opening_balance=row.opening_balance,
                note=row.note,
                version=row.version,
            )
        year_form = YearForm(initial=initial)
        use_form = UseForm(initial={"spent_on": today})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if request.POST.get("form") == "use":
            use_form = UseForm(request.POST, request.FILES)
            done = attempt_form(
                request, use_form, services.record_use, actor=request.user, enterprise=firm
            )
            if done:
                messages.success(request, _("Use recorded."))
                return redirect(
                    f"/investment/enterprises/{firm.pk}/?year={done.value.expense_year.year}"
                )
        else:
            year_form = YearForm(request.POST)
            done = attempt_form(
                request, year_form, services.record_year, actor=request.user, enterprise=firm
            )
            if done:
                messages.success(request, _("Saved. The extraction is shown band by band."))
                return redirect(f"/investment/enterprises/{firm.pk}/?year={done.value.year}")
        status = done.status
    uses = (
        selectors.uses_for(request.user).filter(enterprise=firm, expense_year__year=shown)
        if line
        else ExpenseUse.objects.none()
    )
    rule = InsuranceRule.in_force(today)
    return render(
        request,
        "investment/enterprise.html",
        {
            "enterprise": firm,
            "lines": lines,
            "line": line,
            "shown": shown,
            "uses": uses[:200],
            "year_form": year_form,
            "use_form": use_form,
            "may_edit": may_edit,
            "insurance": selectors.insurance_status(firm, rule, today),
            "insurance_labels": [
                InsuranceGap(g).label for g in selectors.insurance_status(firm, rule, today).gaps
            ],
            "rule": rule,
            "table": services.table_for(firm.sector, shown),
        },
        status=status,
    )


@login_required
def use_detail(request, pk):
    use = get_for_user_or_404(selectors.uses_for(request.user), request.user, pk)
    may_edit = can(request.user, "change", use) and use.voided_at is None
    return render(
        request,
        "investment/use_detail.html",
        {
            "use": use,
            "void_form": VoidForm(initial={"version": use.version}) if may_edit else None,
        },
    )


@login_required
@require_POST
def use_void(request, pk):
    use = get_for_user_or_404(ExpenseUse, request.user, pk, "change")
    form = VoidForm(request.POST)
    done = attempt_form(request, form, services.void_use, actor=request.user, use=use)
    if done:
        messages.success(request, _("The use is void; it no longer counts."))
        return redirect("investment-use", use.pk)
    return render(
        request,
        "investment/use_detail.html",
        {"use": use, "void_form": form},
        status=done.status,
    )


@login_required
def voucher(request, pk):
    """The voucher, only to those who see the use."""
    use = get_for_user_or_404(ExpenseUse, request.user, pk)
    if not use.voucher:
        raise Http404
    return FileResponse(
        use.voucher.open("rb"),
        filename=f"voucher-{use.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def rules(request):
    """The rate tables and the insurance rule, every version; administrators add versions."""
    may_edit = bool(request.user.roles & RULE_EDITORS)
    table_form = TableForm(prefix="t") if may_edit else None
    rule_form = InsuranceRuleForm(prefix="i") if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        if request.POST.get("form") == "insurance":
            rule_form = InsuranceRuleForm(request.POST, prefix="i")
            done = attempt_form(request, rule_form, services.add_insurance_rule, actor=request.user)
        else:
            table_form = TableForm(request.POST, prefix="t")
            done = attempt_form(request, table_form, services.add_table, actor=request.user)
        if done:
            messages.success(request, _("Rule added."))
            return redirect("investment-rules")
        status = done.status
    tables = []
    for table in RateTable.in_force().values():
        tables.append({"table": table, "bands": _band_rows(table)})
    return render(
        request,
        "investment/rules.html",
        {
            "tables": tables,
            "history": RateTable.objects.all()[:60],
            "insurance": InsuranceRule.in_force(),
            "insurance_history": InsuranceRule.objects.all()[:20],
            "table_form": table_form,
            "rule_form": rule_form,
        },
        status=status,
    )


def _band_rows(table: RateTable) -> list[dict]:
    rows, lower = [], None
    for upper, rate in table.parsed():
        rows.append({"lower": lower, "upper": upper, "rate": rate})
        lower = upper
    return rows


def calculate(sector: str, revenue, tables: dict[str, RateTable]) -> dict:
    """The calculator's answer for a cleaned sector and revenue."""
    table = tables[sector]
    result = calc.extraction(revenue, table.parsed())
    return {
        "sector": sector,
        "table": {
            "effective_from": table.effective_from.isoformat(),
            "source": table.source,
            "confidence": table.confidence,
        },
        **result.as_dict(),
    }


def public_calculator(request):
    """No sign-in: sector and last year's revenue → the year's extraction, band by band."""
    tables = RateTable.in_force()
    form = CalculatorForm(request.GET or None, tables=tables)
    result = None
    status = 200
    if request.GET:
        try:
            ratelimit.check(
                f"public:calculator:{ratelimit.client_ip(request)}",
                limit=calculator_limit(),
                per=HOUR,
            )
        except ratelimit.RateLimited as error:
            return ratelimit.too_many(request, error)
        if form.is_valid():
            result = calculate(form.cleaned_data["sector"], form.cleaned_data["revenue"], tables)
            result["table_obj"] = tables[form.cleaned_data["sector"]]
        else:
            status = 400
    return render(
        request,
        "investment/public_calculator.html",
        {"form": form, "result": result},
        status=status,
    )

"""An enterprise's year and uses through the services: the extraction computed from the
table of the year's sector, versions, vouchers, the balance carried over, voiding; the gaps
(`safety_investment_gaps`), the insurance-or-deposit rule, the warnings and key units."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.alerts import selectors as alerts
from safeloop.alerts.choices import KeyReason, RuleCode
from safeloop.alerts.demo import ensure_rules as ensure_warning_rules
from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.core.errors import Conflict, Invalid
from safeloop.enterprises.models import Enterprise
from safeloop.investment import selectors, services
from safeloop.investment.choices import GapReason, InsuranceGap
from safeloop.investment.models import ExpenseUse, ExpenseYear, InsuranceRule
from safeloop.orgs.roles import Role
from tests.investment.conftest import pdf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


def test_it_computes_the_year_and_keeps_the_calculation(world, year_row):
    row = year_row(revenue="200000000")
    assert row.sector == "metallurgy" and row.table.sector == "metallurgy"
    assert row.required == D("2150000.00") and row.monthly == D("179166.67")
    assert [b["amount"] for b in row.bands if D(b["base"])] == [
        "300000.00",
        "1350000.00",
        "500000.00",
    ]
    again = year_row(revenue="10000000", version=row.version)
    assert again.pk == row.pk and again.required == D("300000.00") and again.version == 2
    with pytest.raises(Conflict):
        year_row(revenue="1", version=1)


def test_it_computes_nothing_for_a_sector_without_a_table(world):
    world.inside.industry_code = "3011"  # 建材: no table in 136号
    world.inside.save()
    row = services.record_year(
        actor=world.user(Role.SAFETY_MANAGER), enterprise=world.inside, year=YEAR, revenue="5e7"
    )
    assert row.table is None and row.required == 0 and row.bands == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("revenue", "-1"),
        ("revenue", "abc"),
        ("revenue", "1.001"),
        ("revenue", "1e20"),
        ("revenue", "NaN"),
        ("extracted", "-5"),
        ("year", "1999"),
        ("year", "<script>"),
    ],
)
def test_it_refuses_bad_figures_on_their_field(world, metallurgy, field, value):
    fields = {"year": YEAR, "revenue": "100", "extracted": "0", field: value}
    with pytest.raises(Invalid) as error:
        services.record_year(
            actor=world.user(Role.SAFETY_MANAGER), enterprise=world.inside, **fields
        )
    assert error.value.field == field
    assert not ExpenseYear.objects.exists()


def test_it_records_a_use_only_with_a_pdf_voucher_against_its_year(world, year_row, use):
    actor = world.user(Role.SAFETY_MANAGER)
    fields = {
        "spent_on": TODAY,
        "category": "ppe",
        "amount": "100",
        "description": "安全帽",
    }
    with pytest.raises(Invalid) as error:  # the year is not recorded yet
        services.record_use(actor=actor, enterprise=world.inside, voucher=pdf(), **fields)
    assert error.value.field == "spent_on"
    year_row()
    for voucher in (
        None,
        SimpleUploadedFile("v.pdf", b"MZ not a pdf"),
        SimpleUploadedFile("v.pdf", b""),
    ):
        with pytest.raises(Invalid) as error:
            services.record_use(actor=actor, enterprise=world.inside, voucher=voucher, **fields)
        assert error.value.field == "voucher"
    for name, value in [
        ("amount", "0"),
        ("amount", "-3"),
        ("category", "bribes"),
        ("spent_on", TODAY + timedelta(days=1)),
        ("description", "  "),
    ]:
        with pytest.raises(Invalid) as error:
            services.record_use(
                actor=actor, enterprise=world.inside, voucher=pdf(), **{**fields, name: value}
            )
        assert error.value.field == name
    assert not ExpenseUse.objects.exists()
    made = services.record_use(actor=actor, enterprise=world.inside, voucher=pdf(), **fields)
    assert made.expense_year.year == YEAR and made.voucher.name.endswith(".pdf")


def test_it_carries_the_balance_over_and_voids_without_deleting(world, year_row, use):
    first = year_row(year=YEAR - 1, revenue="10000000", extracted="300000", opening_balance="5000")
    year_row(year=YEAR, revenue="10000000", extracted="100000", opening_balance="999")
    use(spent_on=date(YEAR - 1, 6, 1), amount="250000")
    mistake = use(amount="40000")
    lines = {line.row.year: line for line in selectors.ledger(world.inside, TODAY)}
    assert lines[YEAR - 1].opening == D("5000") and lines[YEAR - 1].closing == D("55000")
    # the next year carries the closing balance over; its own opening figure is not used
    assert lines[YEAR].opening == D("55000") and lines[YEAR].closing == D("115000")
    services.void_use(
        actor=world.user(Role.SAFETY_MANAGER), use=mistake, version=1, note="重复录入"
    )
    with pytest.raises(Invalid):
        services.void_use(actor=world.user(Role.SAFETY_MANAGER), use=mistake, version=2, note="x")
    lines = {line.row.year: line for line in selectors.ledger(world.inside, TODAY)}
    assert lines[YEAR].closing == D("155000")
    assert ExpenseUse.objects.count() == 2 and first.pk


def test_it_lists_the_gaps_an_accountability_trigger_reads(world, year_row, use):
    june = date(YEAR, 6, 15)  # five whole months gone: 5 × 179,166.67 due
    row = year_row(revenue="200000000", extracted="895833.35")
    assert selectors.safety_investment_gaps(YEAR, today=june) == []
    services.record_year(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        year=YEAR,
        revenue="200000000",
        extracted="895833.34",
        version=row.version,
    )
    gaps = selectors.safety_investment_gaps(YEAR, today=june)
    assert [(g.enterprise_id, g.reason, g.due, g.extracted) for g in gaps] == [
        (world.inside.pk, GapReason.SHORT, D("895833.35"), D("895833.34"))
    ]
    # once the year is over the whole year's figure is due
    assert selectors.safety_investment_gaps(YEAR, today=date(YEAR + 1, 1, 2))[0].due == D(
        "2150000.00"
    )
    use(category="outside", amount="800")
    reasons = {g.reason for g in selectors.safety_investment_gaps(YEAR, today=june)}
    assert reasons == {GapReason.SHORT, GapReason.OUTSIDE}
    # the outside enterprise (冶金, nothing recorded) counts only with include_never
    never = selectors.safety_investment_gaps(YEAR, today=june, include_never=True)
    assert (world.outside.pk, GapReason.NO_RECORD) in {(g.enterprise_id, g.reason) for g in never}
    assert world.sibling.pk not in {g.enterprise_id for g in never}  # sector without a table


def guarantee(enterprise, *, sector_code="2671", policy="", expiry=None, deposit=None):
    enterprise.industry_code = sector_code
    enterprise.employees, enterprise.injury_insured = 10, 10
    enterprise.liability_policy, enterprise.liability_expiry = policy, expiry
    enterprise.deposit_amount = deposit
    enterprise.save()
    enterprise.refresh_from_db()
    status = selectors.insurance_status(enterprise, InsuranceRule.in_force(TODAY), TODAY)
    # the key units' query says the same as the status, enterprise by enterprise
    listed = {row["enterprise_id"] for row in selectors.insurance_gap_ids(TODAY)}
    assert (enterprise.pk in listed) == (InsuranceGap.GUARANTEE in status.gaps)
    same_page()
    return status


def same_page():
    """The 安全投入 page's count and first rows say what the whole judgement says."""
    whole = selectors.insurance_gaps(TODAY)
    for limit in (1, 100):
        count, first = selectors.insurance_gap_page(
            TODAY, enterprises=Enterprise.objects.all(), limit=limit
        )
        assert (count, first) == (len(whole), whole[:limit])


def test_it_asks_the_named_sectors_for_a_deposit_or_liability_insurance(world):
    rule = InsuranceRule.in_force(TODAY)
    assert sorted(rule.guarantee_sectors) == ["explosives", "metallurgy", "nonferrous"]
    e = world.inside
    assert guarantee(e).gaps == (InsuranceGap.GUARANTEE,)
    assert guarantee(e, policy="P-1", expiry=TODAY + timedelta(days=200)).gaps == ()
    assert guarantee(e, deposit=D("500000")).gaps == ()
    # a policy that ended is no guarantee; one ending within the warning days is flagged
    assert guarantee(e, policy="P-1", expiry=TODAY - timedelta(days=1)).gaps == (
        InsuranceGap.GUARANTEE,
    )
    assert guarantee(e, policy="P-1", expiry=TODAY + timedelta(days=30)).gaps == (
        InsuranceGap.EXPIRING,
    )
    assert guarantee(e, policy="P-1", expiry=TODAY + timedelta(days=31)).gaps == ()
    assert guarantee(e, policy="P-1", expiry=TODAY + timedelta(days=3), deposit=D("1")).gaps == ()
    # 机械: not a named sector, nothing asked; metallurgy and non-ferrous are
    assert guarantee(e, sector_code="3311").gaps == ()
    assert guarantee(e, sector_code="3120").gaps == (InsuranceGap.GUARANTEE,)
    assert guarantee(e, sector_code="3211").gaps == (InsuranceGap.GUARANTEE,)


def test_it_flags_work_injury_coverage_below_the_rule(world):
    e = world.inside
    e.industry_code, e.employees, e.injury_insured = "3311", 40, 39
    e.save()
    status = selectors.insurance_status(e, InsuranceRule.in_force(TODAY), TODAY)
    assert status.coverage == D("97.5") and status.gaps == (InsuranceGap.COVERAGE,)
    same_page()
    world.sibling.industry_code, world.sibling.employees = "3120", 10  # short and no guarantee
    world.sibling.injury_insured = 9
    world.sibling.save()
    same_page()
    assert len(selectors.insurance_gaps(TODAY)) == 2
    services.add_insurance_rule(
        actor=world.user(Role.CITY_ADMIN),
        coverage_percent=95,
        guarantee_sectors=["explosives"],
        warn_days=60,
        effective_from=TODAY,
        source="市应急管理局通知",
    )
    assert selectors.insurance_status(e, InsuranceRule.in_force(TODAY), TODAY).gaps == ()
    assert [s.enterprise_id for s in selectors.insurance_gaps(TODAY)] == [world.sibling.pk]
    same_page()


def test_it_warns_once_and_lists_key_units_with_the_reason(world, year_row, use):
    ensure_warning_rules()
    row = year_row(revenue="200000000", extracted="0")
    use(category="outside", amount="800")
    guarantee(world.outside, sector_code="3120")
    today = date(YEAR, 6, 15) if date(YEAR, 6, 15) > TODAY else TODAY
    expense = WarningRule.objects.get(code=RuleCode.EXPENSE_GAP)
    first = evaluate(expense, today)
    assert first["raised"] == 2 and evaluate(expense, today)["raised"] == 0
    reasons = sorted(EarlyWarning.objects.filter(rule=expense).values_list("reason", flat=True))
    assert reasons == [
        f"{YEAR} 年安全费用：800.00 元用于规定范围以外。",
        f"{YEAR} 年安全费用：应提取 {row.monthly * (today.month - 1)} 元，已提取 0.00 元。",
    ]
    insurance = WarningRule.objects.get(code=RuleCode.INSURANCE_GAP)
    # both smelters: the inside one has neither deposit nor policy either
    assert evaluate(insurance, today)["raised"] == 2
    assert evaluate(insurance, today)["raised"] == 0
    warned = EarlyWarning.objects.get(rule=insurance, enterprise=world.outside)
    assert warned.reason == "未缴存风险抵押金，也无有效的安全生产责任保险"
    assert warned.link == f"/investment/enterprises/{world.outside.pk}/"
    units = alerts.key_units(
        Enterprise.objects.all(), reasons=[KeyReason.EXPENSE_GAP, KeyReason.INSURANCE_GAP]
    )
    got = {u.pk: dict(alerts.reasons_of(u)) for u in units}
    assert KeyReason.EXPENSE_GAP.value in got[world.inside.pk]
    assert KeyReason.INSURANCE_GAP.value in got[world.outside.pk]
    assert row.pk


def test_it_lets_only_administrators_add_table_versions(world):
    from safeloop.core.errors import NotPermitted

    bands = [{"up_to": "10000000", "rate": "3.5"}, {"up_to": None, "rate": "1"}]
    fields = {"sector": "metallurgy", "bands": bands, "effective_from": TODAY, "source": "新文件"}
    with pytest.raises(NotPermitted):
        services.add_table(actor=world.user(Role.COUNTY_INSPECTOR), **fields)
    table = services.add_table(actor=world.user(Role.CITY_ADMIN), **fields)
    assert services.table_for("metallurgy", YEAR + 1) == table
    with pytest.raises(Invalid) as error:
        services.add_table(actor=world.user(Role.CITY_ADMIN), **fields)
    assert error.value.field == "effective_from"
    with pytest.raises(Invalid) as error:
        services.add_table(
            actor=world.user(Role.CITY_ADMIN), **{**fields, "bands": [{"up_to": "1", "rate": "1"}]}
        )
    assert error.value.field == "bands"

"""The safety-expense arithmetic against hand-worked examples (财资〔2022〕136号 gives none)
and every band edge of every seeded table, in exact decimals, read from the tables the data
migration seeded."""

from decimal import Decimal as D

import pytest

from safeloop.investment import calc
from safeloop.investment.models import RateTable

pytestmark = pytest.mark.django_db


def table(sector):
    return RateTable.in_force()[sector].parsed()


def test_it_seeds_the_tables_with_their_source():
    tables = RateTable.in_force()
    assert set(tables) == {"explosives", "metallurgy", "nonferrous", "machinery"}
    assert tables["explosives"].confidence == "confirmed"
    assert "第三十六条" in tables["explosives"].source
    assert all("136号" in t.source for t in tables.values())


@pytest.mark.parametrize(
    "sector, revenue, bands, total, monthly",
    [
        # 冶金 2亿: 1000万×3% + 9000万×1.5% + 1亿×0.5%
        (
            "metallurgy",
            "200000000",
            ["300000", "1350000", "500000.0"],
            "2150000.00",
            "179166.67",
        ),
        # 民爆 15亿: 1000万×4% + 9000万×2% + 9亿×0.5% + 5亿×0.2%
        (
            "explosives",
            "1500000000",
            ["400000", "1800000", "4500000.0", "1000000.0"],
            "7700000.00",
            "641666.67",
        ),
        # 机械制造 60亿: 2.35% · 1.25% · 0.25% · 0.1% · 0.05%
        (
            "machinery",
            "6000000000",
            ["235000.00", "1125000.00", "2250000.00", "4000000.0", "500000.00"],
            "8110000.00",
            "675833.33",
        ),
        # 冶金 120亿: all six bands
        (
            "metallurgy",
            "12000000000",
            ["300000", "1350000", "4500000.0", "8000000.0", "5000000.0", "1000000.00"],
            "20150000.00",
            "1679166.67",
        ),
        # a small smelter: 1,234,567.89 × 3% = 37,037.0367 → 37,037.04; / 12 = 3,086.42
        ("nonferrous", "1234567.89", ["37037.0367"], "37037.04", "3086.42"),
    ],
)
def test_it_computes_the_worked_examples_band_by_band(sector, revenue, bands, total, monthly):
    result = calc.extraction(D(revenue), table(sector))
    amounts = [line.amount for line in result.bands if line.base]
    assert amounts == [D(b) for b in bands]
    assert str(result.total) == total and str(result.monthly) == monthly
    assert sum(line.base for line in result.bands) == D(revenue)


EDGES = {
    # sector: [(upper bound, extraction exactly at it, rate of the next band)]
    "explosives": [
        (D("10000000"), D("400000"), D("2")),
        (D("100000000"), D("2200000"), D("0.5")),
        (D("1000000000"), D("6700000"), D("0.2")),
    ],
    "metallurgy": [
        (D("10000000"), D("300000"), D("1.5")),
        (D("100000000"), D("1650000"), D("0.5")),
        (D("1000000000"), D("6150000"), D("0.2")),
        (D("5000000000"), D("14150000"), D("0.1")),
        (D("10000000000"), D("19150000"), D("0.05")),
    ],
    "machinery": [
        (D("10000000"), D("235000"), D("1.25")),
        (D("100000000"), D("1360000"), D("0.25")),
        (D("1000000000"), D("3610000"), D("0.1")),
        (D("5000000000"), D("7610000"), D("0.05")),
    ],
}
EDGES["nonferrous"] = EDGES["metallurgy"]


@pytest.mark.parametrize("sector", sorted(EDGES))
def test_it_puts_every_band_edge_in_the_lower_band(sector):
    bands = table(sector)
    for index, (edge, at_edge, next_rate) in enumerate(EDGES[sector]):
        exact = calc.extraction(edge, bands)
        assert exact.total == at_edge, (sector, edge)
        assert exact.bands[index].base == edge - (EDGES[sector][index - 1][0] if index else 0)
        assert all(line.base == 0 for line in exact.bands[index + 1 :])
        # one fen above the edge: that fen falls in the next band, at the next band's rate
        above = calc.extraction(edge + D("0.01"), bands)
        assert above.bands[index + 1].base == D("0.01")
        assert above.bands[index + 1].amount == D("0.01") * next_rate / 100
        assert above.total == (at_edge + D("0.01") * next_rate / 100).quantize(D("0.01"))
        # one fen below: the band is one fen short of full, the next is empty
        below = calc.extraction(edge - D("0.01"), bands)
        assert below.bands[index + 1].base == 0
        assert (
            sum(line.amount for line in below.bands) == at_edge - D("0.01") * bands[index][1] / 100
        )


def test_it_computes_nothing_from_no_revenue_and_rounds_half_up():
    bands = table("metallurgy")
    assert calc.extraction(D(0), bands).total == D("0.00")
    # 0.01 × 3% = 0.0003 → 0.00; 0.17 × 3% = 0.0051 → 0.01 (half up at the fen)
    assert calc.extraction(D("0.01"), bands).total == D("0.00")
    assert calc.extraction(D("0.17"), bands).total == D("0.01")
    # 50 yuan at 3% = 1.50; monthly 0.125 → 0.13 (half up)
    assert calc.extraction(D("50"), bands).monthly == D("0.13")


def test_it_asks_monthly_accruals_and_the_whole_year_at_its_end():
    total, monthly = D("2150000.00"), D("179166.67")
    assert calc.due_to_date(total, monthly, 0) == 0
    assert calc.due_to_date(total, monthly, 1) == D("179166.67")
    assert calc.due_to_date(total, monthly, 11) == D("1970833.37")
    assert calc.due_to_date(total, monthly, 12) == total  # not 2150000.04


@pytest.mark.parametrize(
    "raw, error",
    [
        ([], "empty"),
        ([{"up_to": None}], "shape"),
        ([{"up_to": "x", "rate": "1"}, {"up_to": None, "rate": "1"}], "number"),
        ([{"up_to": None, "rate": "101"}], "rate"),
        ([{"up_to": None, "rate": "-1"}], "rate"),
        ([{"up_to": None, "rate": "1"}, {"up_to": None, "rate": "1"}], "open"),
        (
            [
                {"up_to": "10", "rate": "1"},
                {"up_to": "5", "rate": "1"},
                {"up_to": None, "rate": "1"},
            ],
            "order",
        ),
        ([{"up_to": "10", "rate": "1"}], "closed"),
        ("3%", "empty"),
    ],
)
def test_it_refuses_a_table_that_is_not_marginal(raw, error):
    with pytest.raises(ValueError, match=error):
        calc.parse_bands(raw)

"""A bulletin's figures equal those counted here, row by row, from the hidden dangers
themselves; its lists hold exactly the rows the definitions name."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from safeloop.accidents import services as accidents
from safeloop.bulletins.figures import month_bounds
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role


def reference(hazards, month):
    """The definitions of docs/bulletins.md, applied one row at a time."""
    start, end, last = month_bounds(month)
    year_start = start.replace(month=1)
    rows = [h for h in hazards if h.state != "voided"]

    def closed_by_end(h):
        return h.state == "closed" and (h.accepted_at is None or h.accepted_at < end)

    def open_at_end(h):
        return h.found_at < end and not closed_by_end(h)

    def found(h):
        return start <= h.found_at < end

    def ytd(h):
        return year_start <= h.found_at < end

    def closed_in(h):
        return h.state == "closed" and h.accepted_at is not None and start <= h.accepted_at < end

    def overdue(h):
        return open_at_end(h) and h.deadline <= last

    def count(f, major=False):
        return sum(1 for h in rows if f(h) and (not major or h.level == "major"))

    def rate(a, b):
        return None if not b else round(100 * a / b, 1)

    figures = {
        "found": count(found),
        "closed": count(closed_in),
        "found_ytd": count(ytd),
        "open_at_end": count(open_at_end),
        "overdue_at_end": count(overdue),
        "major_found": count(found, True),
        "major_closed": count(closed_in, True),
        "major_open_at_end": count(open_at_end, True),
        "major_overdue_at_end": count(overdue, True),
    }
    figures["rate"] = rate(count(lambda h: found(h) and closed_by_end(h)), figures["found"])
    figures["rate_ytd"] = rate(count(lambda h: ytd(h) and closed_by_end(h)), figures["found_ytd"])
    figures["major_rate_ytd"] = rate(
        count(lambda h: ytd(h) and closed_by_end(h), True), count(ytd, True)
    )
    overdue_ids = {h.pk for h in rows if overdue(h)}
    major_ids = {h.pk for h in rows if h.level == "major" and (open_at_end(h) or closed_in(h))}
    return figures, overdue_ids, major_ids


def in_region(prefix):
    return list(Hazard.objects.filter(region_code__startswith=prefix))


def test_the_city_bulletin_equals_the_raw_rows(world, mixed, month, generate):
    bulletin = generate(world.city)
    expected, overdue, major = reference(in_region("6401"), month)
    f = bulletin.figures
    for key, value in expected.items():
        assert f["totals"][key] == value, key
    assert {row["id"] for row in f["overdue"]["rows"]} == overdue
    assert f["overdue"]["total"] == len(overdue)
    assert {row["id"] for row in f["major"]["rows"]} == major
    # the other city's rows never count in this one
    outside = {h.pk for h in mixed if h.enterprise_id == world.outside.pk}
    assert not outside & (overdue | major)


def test_the_county_ranking_equals_each_countys_own_figures(world, mixed, month, generate):
    bulletin = generate(world.city)
    ranking = {row["name"]: row for row in bulletin.figures["ranking"]}
    assert set(ranking) == {"兴庆区", "西夏区"}
    for region in (world.county, world.sibling_county):
        expected, _o, _m = reference(in_region(region.code), month)
        for key in ("found", "closed", "rate_ytd", "overdue_at_end", "major_open_at_end"):
            assert ranking[region.name][key] == expected[key], (region.name, key)
    ranks = sorted(bulletin.figures["ranking"], key=lambda r: r["rank"] or 10**6)
    rates = [r["rate_ytd"] if r["rate_ytd"] is not None else -1 for r in ranks]
    assert rates == sorted(rates, reverse=True)


def test_the_county_bulletin_counts_its_own_county_and_ranks_its_parks(
    world, mixed, month, generate
):
    bulletin = generate(world.county)
    expected, overdue, _major = reference(in_region("640104"), month)
    assert {k: bulletin.figures["totals"][k] for k in expected} == expected
    assert [r["name"] for r in bulletin.figures["ranking"]] == ["测试园区"]  # all in the park
    assert {row["id"] for row in bulletin.figures["overdue"]["rows"]} == overdue


def test_key_units_and_typical_cases(world, mixed, month, generate):
    bulletin = generate(world.city)
    keys = {row["id"] for row in bulletin.figures["key_units"]["rows"]}
    assert world.outside.pk not in keys
    start, end, _ = month_bounds(month)
    closed_major = {
        h.pk
        for h in mixed
        if h.level == "major"
        and h.state == "closed"
        and h.accepted_at is not None
        and start <= h.accepted_at < end
        and h.region_code.startswith("6401")
    }
    typical = bulletin.figures["typical"]
    assert {c["id"] for c in typical if c["kind"] == "closed_major"} == closed_major
    assert len([c for c in typical if c["kind"] == "long_overdue"]) <= 5


def test_the_files_carry_the_figures(world, mixed, month, generate):
    bulletin = generate(world.city)
    reader = PdfReader(bulletin.pdf.open("rb"))
    text = "".join(page.extract_text() for page in reader.pages)
    text = text.replace("\x00", "").replace("\n", "").replace(" ", "")
    assert bulletin.title in text and bulletin.number in text
    assert f"排查事故隐患{bulletin.figures['totals']['found']}项" in text
    for row in bulletin.figures["ranking"]:
        assert row["name"] in text
    book = load_workbook(BytesIO(bulletin.xlsx.open("rb").read()))
    assert book.sheetnames == [
        "概况", "排名", "逾期隐患", "重大隐患", "重点监管单位", "典型案例", "生产安全事故"
    ]  # fmt: skip
    assert "生产安全事故情况" in text
    assert "—%" not in text and "（目标：全部销号）" in text
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["本月排查隐患（项）"] == bulletin.figures["totals"]["found"]
    assert overview["月末逾期未整改（项）"] == bulletin.figures["totals"]["overdue_at_end"]
    assert book["逾期隐患"].max_row - 1 == len(bulletin.figures["overdue"]["rows"])
    for sheet in book.worksheets:  # the header stays in view, columns fit their text
        assert sheet.freeze_panes in ("A2", "A3")
        assert sheet.column_dimensions["A"].width >= 8
    numbers = [v for row in book["概况"].iter_rows(min_row=3, values_only=True) for v in row[1:]]
    assert "—" not in numbers  # a missing figure is an empty cell, not a dash


def test_units_with_the_same_figures_share_a_rank_and_nothing_found_has_none():
    from safeloop.bulletins.figures import _ranked

    def row(name, rate, overdue=0):
        return {"name": name, "rate_ytd": rate, "overdue_at_end": overdue}

    rows = _ranked([row("甲", None), row("乙", 50.0), row("丙", 50.0), row("丁", 20.0)])
    assert [(r["name"], r["rank"]) for r in rows] == [
        ("丙", 1), ("乙", 1), ("丁", 3), ("甲", None)
    ]  # fmt: skip


def test_an_empty_month_is_a_bulletin_of_zeros(world, month, generate):
    bulletin = generate(world.county)
    assert bulletin.figures["totals"]["found"] == 0
    assert bulletin.figures["totals"]["rate"] is None
    assert bulletin.pdf and bulletin.xlsx


def test_the_major_status_is_the_state_at_the_months_end(world, mixed, month, generate):
    start, end, last = month_bounds(month)
    bulletin = generate(world.city)
    by_id = {row["id"]: row["status"] for row in bulletin.figures["major"]["rows"]}
    for h in Hazard.objects.filter(pk__in=by_id):
        closed_in_month = h.state == "closed" and h.accepted_at and start <= h.accepted_at < end
        if closed_in_month:
            assert by_id[h.pk] == "closed"
        else:
            assert by_id[h.pk] == ("overdue" if h.deadline <= last else "rectifying")


def test_the_bulletin_carries_the_months_accidents_and_the_year_before(world, month, generate):
    admin = world.user(Role.SYSTEM_ADMIN)

    def record(enterprise, day, deaths):
        accidents.record(
            actor=admin,
            enterprise=enterprise,
            occurred_at=timezone.make_aware(datetime.combine(day, datetime.min.time())),
            place="车间",
            summary="事故",
            deaths=deaths,
            direct_loss=Decimal("100"),
        )

    record(world.inside, month.replace(day=3), 1)
    record(world.sibling, month.replace(day=4), 0)
    record(world.inside, month.replace(day=3, year=month.year - 1), 2)
    record(world.outside, month.replace(day=3), 5)
    figures = generate(world.city).figures["accidents"]
    assert figures["month"] == {"count": 2, "deaths": 1, "injuries": 0, "direct_loss": "200.00"}
    assert figures["month_before"]["count"] == 1 and figures["month_before"]["deaths"] == 2
    assert [r["enterprise"] for r in figures["rows"]] == [world.inside.name, world.sibling.name]
    county = generate(world.county).figures["accidents"]
    assert county["month"]["count"] == 1

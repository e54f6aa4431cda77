"""Capped counts (core/counts.py): exact up to the cap, "cap+" beyond, counting at most
cap + 1 rows; the paginator that pages without the full count."""

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.core.counts import CappedCount, CappedPaginator, capped_count
from safeloop.orgs.models import Region, RegionLevel


@pytest.fixture
def regions(db):
    Region.objects.bulk_create(
        Region(code=f"64{i:04d}", name=f"区{i}", level=RegionLevel.COUNTY) for i in range(7)
    )
    return Region.objects.order_by("code")


def test_it_counts_exactly_up_to_the_cap(regions):
    assert capped_count(regions, cap=7) == CappedCount(7)
    assert capped_count(regions, cap=100) == CappedCount(7, capped=False)
    assert str(capped_count(regions, cap=7)) == "7"


def test_beyond_the_cap_it_says_at_least_the_cap(regions):
    counted = capped_count(regions, cap=6)
    assert counted == CappedCount(6, capped=True) and counted.label == "6+"
    assert CappedCount(10_000, capped=True).label == "10,000+"
    assert not capped_count(regions.none(), cap=6) and capped_count(regions, cap=6)


def test_it_reads_at_most_cap_plus_one_rows(regions):
    with CaptureQueriesContext(connection) as queries:
        capped_count(regions, cap=3)
    (query,) = queries.captured_queries
    assert "LIMIT 4" in query["sql"] and "COUNT(" in query["sql"].upper()


def test_the_cap_is_a_setting(regions, settings):
    settings.LIST_COUNT_CAP = 2
    assert capped_count(regions) == CappedCount(2, capped=True)
    settings.LIST_COUNT_CAP = 7
    assert capped_count(regions) == CappedCount(7)


def test_the_paginator_pages_past_the_cap(regions):
    paginator = CappedPaginator(regions, 2, cap=3)
    first = paginator.get_page(1)
    assert [r.code for r in first] == ["640000", "640001"]
    assert paginator.counted == CappedCount(3, capped=True) and first.has_next()
    # a page past the counted reach is served: asking for it counts as far as it
    last = paginator.get_page(4)
    assert [r.code for r in last] == ["640006"] and not last.has_next()
    assert paginator.counted == CappedCount(7) and paginator.num_pages == 4
    # past the end: the last page, as Django's paginator does
    assert CappedPaginator(regions, 2, cap=3).get_page(99).number == 4
    assert CappedPaginator(regions, 2, cap=3).get_page("x").number == 1
    assert list(CappedPaginator(regions.none(), 2, cap=3).get_page(1)) == []


def test_the_paginator_never_counts_the_whole_list(regions):
    paginator = CappedPaginator(regions, 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(2)
        list(page)
    assert page.has_next() and paginator.counted.capped
    assert any("LIMIT 5" in q["sql"] for q in queries.captured_queries)  # page 2 of 2: 4 + 1


def test_a_page_past_what_the_database_can_count_is_empty_not_an_error(regions):
    # ?page=631475663791291392 once reached PostgreSQL as a LIMIT beyond bigint (a 500)
    huge = 2**62
    with pytest.raises(EmptyPage):
        CappedPaginator(regions, 50, cap=3).page(huge)
    paginator = CappedPaginator(regions, 2, cap=3)
    assert 1 < paginator.get_page(huge).number <= paginator.num_pages  # a last page, no error


def test_the_api_answers_404_for_such_a_page(world, api):
    api.as_user(world.user("city_admin"))
    response = api.get("/api/v1/regions/?page=631475663791291392")
    assert response.status_code == 404, response.content


def test_a_page_that_joins_is_read_by_its_ids_first(db):
    """With select_related, the page's ids are sorted alone and only they are joined; the
    rows, their order and their related rows are those of the one-query page."""
    from safeloop.orgs.models import GridCell

    county = Region.objects.create(code="640199", name="测试县", level=RegionLevel.COUNTY)
    GridCell.objects.bulk_create(
        GridCell(code=f"G{i:02d}", name=f"网格{9 - i}", region=county, region_code=county.code)
        for i in range(7)
    )
    cells = GridCell.objects.select_related("region").order_by("name", "pk")
    expected = [(c.pk, c.region.name) for c in list(cells)[2:4]]
    paginator = CappedPaginator(cells.all(), 2, cap=3)  # a fresh queryset, not the list read
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
        got = [(c.pk, c.region.name) for c in page]
    assert got == expected
    ids, rows = [q["sql"] for q in queries.captured_queries if "orgs_gridcell" in q["sql"]][-2:]
    assert "JOIN" not in ids and "LIMIT 2 OFFSET 2" in ids and "JOIN" in rows
    # a list without joins is read as one slice
    plain = CappedPaginator(Region.objects.order_by("code"), 2, cap=3).page(1)
    assert not isinstance(plain.object_list, list)

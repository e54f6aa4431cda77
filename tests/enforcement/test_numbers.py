"""Document numbers per issuer and year: no gaps, no repeats, under concurrent issue."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeloop.core.errors import Invalid
from safeloop.enforcement import services
from safeloop.enforcement.choices import DocumentKind
from safeloop.enforcement.models import Document
from safeloop.orgs.roles import Role
from tests.enforcement.conftest import issue_order, make_hazard


@pytest.mark.django_db(transaction=True)
def test_it_numbers_concurrent_orders_without_gaps_or_repeats(world, departments):
    hazard = make_hazard(world.inside)
    actor = world.user(Role.COUNTY_INSPECTOR)
    threads, errors = [], []
    start = threading.Barrier(6)

    def issue():
        try:
            start.wait()
            for _ in range(4):
                issue_order(world, hazard, actor=actor)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    for _ in range(6):
        threads.append(threading.Thread(target=issue))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    year = timezone.localdate().year
    sequences = sorted(Document.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 25))
    numbers = set(Document.objects.values_list("number", flat=True))
    assert len(numbers) == 24
    assert f"兴庆区应急管理局责改〔{year}〕1号" in numbers


def test_it_gives_back_the_number_of_a_refused_issue(world, hazard):
    first = issue_order(world, hazard)
    with pytest.raises(Invalid):
        services.issue_document(
            actor=world.user(Role.COUNTY_INSPECTOR),
            kind=DocumentKind.ORDER,
            hazard=hazard,
            findings="x",
            deadline=timezone.localdate() - timedelta(days=1),
        )
    second = issue_order(world, hazard)
    assert (first.sequence, second.sequence) == (1, 2)


def test_it_numbers_each_kind_and_issuer_on_its_own(world, hazard):
    order = issue_order(world, hazard)
    measures = services.issue_document(
        actor=world.user(Role.COUNTY_INSPECTOR),
        kind=DocumentKind.MEASURES,
        hazard=hazard,
        findings="粉尘超标",
        measures=["stop_area", "evacuate"],
        measure_scope="打磨车间",
    )
    other = make_hazard(world.sibling)
    elsewhere = issue_order(world, other, actor=world.user(Role.CITY_INSPECTOR))
    assert (order.sequence, measures.sequence, elsewhere.sequence) == (1, 1, 1)
    assert "现决" in measures.number
    assert elsewhere.issuer == "640105"

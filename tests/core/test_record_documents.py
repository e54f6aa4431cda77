"""The registry of a record's documents: providers per model, newest first, nothing for an
anonymous reader, and the 文书 block absent when there is nothing to show."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from safeloop.core import record_documents
from safeloop.core.record_documents import RecordDocument, documents_for, register
from safeloop.orgs.models import Region
from safeloop.orgs.roles import Role


def doc(number, when):
    return RecordDocument(
        kind="test", title="测试文书", number=number, date=when, url=f"/docs/{number}.pdf"
    )


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(record_documents, "PROVIDERS", {})
    return record_documents.PROVIDERS


def test_it_gathers_every_provider_of_the_model_newest_first(world, providers):
    def first(record, user):
        return [doc("A", date(2026, 1, 5)), doc("B", None)]

    def second(record, user):
        moment = timezone.make_aware(datetime(2026, 3, 1, 9, 0))
        return [doc("C", moment)]

    register(Region, first)
    register(Region)(second)
    register(Region, first)  # a second registration keeps one
    assert len(providers[Region]) == 2
    found = documents_for(world.county, world.user(Role.COUNTY_ADMIN))
    assert [d.number for d in found] == ["C", "A", "B"]
    assert found[0].day == date(2026, 3, 1)


def test_an_anonymous_reader_or_an_unregistered_model_gets_nothing(world, providers):
    register(Region, lambda record, user: [doc("A", None)])
    assert documents_for(world.county, AnonymousUser()) == []
    assert documents_for(world.inside, world.user(Role.COUNTY_ADMIN)) == []


def render(record, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load record_documents %}{% record_documents record %}")
    return template.render(Context({"request": request, "record": record}))


def test_the_block_shows_number_title_date_and_link_or_nothing(world, providers):
    admin = world.user(Role.COUNTY_ADMIN)
    assert render(world.county, admin).strip() == ""
    register(Region, lambda record, user: [doc("兴应急〔2026〕第7号", date(2026, 2, 3))])
    html = render(world.county, admin)
    assert 'id="record-documents"' in html
    assert "兴应急〔2026〕第7号" in html and "测试文书" in html and "2026-02-03" in html
    assert 'href="/docs/兴应急〔2026〕第7号.pdf" data-doc="test"' in html

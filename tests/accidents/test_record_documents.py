"""The investigation report one tap from the accident's and the enterprise's page once the
case is closed, for every role that may see the accident; 404 and no block for the others."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.accidents import investigation as cases
from safeloop.orgs.roles import Role
from tests.accidents.test_investigation import close_hazard, complete, pdf
from tests.record_documents import assert_document, stranger
from tests.scope import ROLES


@pytest.fixture
def closed(world, make_accident):
    county = world.user(Role.COUNTY_ADMIN)
    case = complete(world, make_accident())
    measure = cases.add_measure(
        actor=county,
        investigation=case,
        description="恢复光电保护",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    close_hazard(world, measure.hazard)
    case.refresh_from_db()
    return cases.close_case(actor=county, investigation=case, report=pdf(), version=case.version)


def pages(world, case):
    return [f"/accidents/{case.accident_id}/", f"/enterprises/{world.inside.pk}/"]


@pytest.mark.parametrize("role", ROLES)
def test_the_report_opens_from_the_accident_and_enterprise_pages(world, client, closed, role):
    report = f"/accidents/{closed.accident_id}/investigation/report/"
    for page in pages(world, closed):
        assert_document(
            client, world.users[role], page, report, kind="accident-report", opens=role is not None
        )


def test_outside_the_scope_the_report_is_404_and_unlisted(world, client, closed):
    outsider = stranger(world)
    report = f"/accidents/{closed.accident_id}/investigation/report/"
    for page in pages(world, closed):
        assert_document(client, outsider, page, report, kind="accident-report", opens=False)


def test_an_open_case_offers_no_report(world, client, make_accident):
    accident = complete(world, make_accident()).accident
    client.force_login(world.user(Role.COUNTY_ADMIN))
    assert 'id="record-documents"' not in client.get(f"/accidents/{accident.pk}/").content.decode()

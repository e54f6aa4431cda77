"""The signed 检查记录 one tap from the visit's, the plan's and the enterprise's page, for every
role that may see the visit; 404 and no block for the others."""

import pytest

from safeloop.inspections.models import Visit
from safeloop.orgs.roles import Role
from tests.inspections.test_visits import answers, submit
from tests.record_documents import assert_document, stranger
from tests.scope import ROLES

VISIT_READERS = set(Role)  # regulators on the branch, the enterprise's staff and its expert
# a county's plan: the regulators of the county and above
PLAN_READERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


@pytest.fixture
def submitted(world, visit):
    done, _ = submit(visit, world.user(Role.GRID_INSPECTOR), answers(visit))
    return Visit.objects.get(pk=done.pk)


@pytest.mark.parametrize("role", ROLES)
def test_the_record_opens_from_the_visit_and_enterprise_pages(world, client, submitted, role):
    pdf = f"/inspections/visits/{submitted.pk}/record.pdf"
    for page in (f"/inspections/visits/{submitted.pk}/", f"/enterprises/{world.inside.pk}/"):
        assert_document(
            client,
            world.users[role],
            page,
            pdf,
            kind="inspection-record",
            opens=role in VISIT_READERS,
        )


@pytest.mark.parametrize("role", sorted(PLAN_READERS))
def test_the_plan_page_lists_its_visits_records(world, client, submitted, role):
    assert_document(
        client,
        world.user(role),
        f"/inspections/plans/{submitted.plan_id}/",
        f"/inspections/visits/{submitted.pk}/record.pdf",
        kind="inspection-record",
        opens=True,
    )


def test_outside_the_scope_the_record_is_404_and_unlisted(world, client, submitted):
    outsider = stranger(world)
    pdf = f"/inspections/visits/{submitted.pk}/record.pdf"
    for page in (
        f"/inspections/visits/{submitted.pk}/",
        f"/inspections/plans/{submitted.plan_id}/",
        f"/enterprises/{world.inside.pk}/",
    ):
        assert_document(client, outsider, page, pdf, kind="inspection-record", opens=False)


def test_a_visit_not_yet_submitted_has_no_block(world, client, visit):
    client.force_login(world.user(Role.GRID_INSPECTOR))
    assert (
        'id="record-documents"'
        not in client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    )

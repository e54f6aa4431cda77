"""Documents one tap away: the hazard page links its notices, with their numbers, for every
role that may see the hazard (404 for the others); hazards carry a human number."""

import re

import pytest

from safeloop.hazards.choices import Level, State
from safeloop.orgs.roles import Role
from tests.record_documents import assert_document, stranger
from tests.scope import ROLES

CITY_WIDE = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}


@pytest.fixture
def noticed(make_hazard):
    from safeloop.hazards import services

    hazard = make_hazard(state=State.RECTIFYING, level=Level.MAJOR, by_regulator=True)
    hazard.notice_number = services._take_notice_number(hazard)
    hazard.save()
    return hazard


@pytest.fixture
def next_county(world, noticed):
    """The same notices on an enterprise of the neighbouring county: only city-wide eyes."""
    from safeloop.hazards.models import Hazard, Listing

    listing = noticed.listing
    other = Hazard.objects.get(pk=noticed.pk)
    other.pk = other.id = None
    other.number = other.region_code = ""
    other.enterprise = world.sibling
    other.notice_number = "西夏区隐改〔2026〕第1号"
    other._state.adding = True
    other.save()
    Listing.objects.create(
        hazard=other,
        level=listing.level,
        department=listing.department,
        notice_number="西夏区督〔2026〕第1号",
        listed_at=listing.listed_at,
        deadline=listing.deadline,
        listed_by=listing.listed_by,
    )
    return other


def test_hazards_are_numbered_prefix_year_serial(make_hazard):
    first, second = make_hazard(), make_hazard()
    assert re.fullmatch(r"YC-\d{4}-\d{6}", first.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_the_prefix_is_policy_data(make_hazard):
    from datetime import date

    from safeloop.hazards.models import HazardPolicy

    HazardPolicy.objects.create(effective_from=date(2020, 1, 1), source="测试", number_prefix="NX")
    assert make_hazard().number.startswith("NX-")


def check(client, hazard, status):
    page = client.get(f"/hazards/{hazard.pk}/")
    assert page.status_code == status
    for url in [f"/hazards/{hazard.pk}/notice.pdf", f"/hazards/{hazard.pk}/listing-notice.pdf"]:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
    if status == 200:
        html = page.content.decode()
        assert 'data-doc="hazard-notice"' in html and 'data-doc="hazard-listing"' in html
        assert hazard.notice_number in html and hazard.listing.notice_number in html
        assert hazard.number in html and f"#{hazard.pk} · v" not in html


@pytest.mark.parametrize("role", ROLES)
def test_the_notices_open_from_the_page_for_whoever_may_see_the_hazard(
    world, client, noticed, next_county, role
):
    if role is None:
        assert client.get(f"/hazards/{noticed.pk}/notice.pdf").status_code == 302
        return
    client.force_login(world.user(role))
    check(client, noticed, 200)  # everyone placed on the enterprise's branch
    check(client, next_county, 200 if role in CITY_WIDE else 404)


def test_a_hazard_without_a_notice_offers_none(world, client, make_hazard):
    hazard = make_hazard()
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert 'id="record-documents"' not in client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert client.get(f"/hazards/{hazard.pk}/notice.pdf").status_code == 404


def test_an_enterprise_users_only_enterprise_comes_chosen(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    html = client.get("/hazards/new/").content.decode()
    select = re.search(r'<select name="enterprise".*?</select>', html, re.S).group(0)
    assert "---------" not in select
    assert f'value="{world.inside.pk}" selected' in select


@pytest.mark.parametrize("role", ROLES)
def test_the_notices_are_listed_on_the_enterprise_page_too(world, client, noticed, role):
    user = world.users[role]
    for page in (f"/hazards/{noticed.pk}/", f"/enterprises/{world.inside.pk}/"):
        for kind, pdf, number in (
            ("hazard-notice", f"/hazards/{noticed.pk}/notice.pdf", noticed.notice_number),
            (
                "hazard-listing",
                f"/hazards/{noticed.pk}/listing-notice.pdf",
                noticed.listing.notice_number,
            ),
        ):
            assert_document(
                client, user, page, pdf, kind=kind, number=number, opens=role is not None
            )


def test_a_stranger_gets_404_and_no_block(world, client, noticed):
    outsider = stranger(world)
    for page in (f"/hazards/{noticed.pk}/", f"/enterprises/{world.inside.pk}/"):
        pdf = f"/hazards/{noticed.pk}/notice.pdf"
        assert_document(client, outsider, page, pdf, kind="hazard-notice", opens=False)

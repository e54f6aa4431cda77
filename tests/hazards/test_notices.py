"""The official notices: numbered per department and year, rendered as PDF with the
embedded Chinese font, readable back as text, and served only within scope."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from safeloop.hazards import services
from safeloop.hazards.choices import Level
from safeloop.orgs.roles import Role
from tests.scope import assert_hidden


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}  # noqa: SIM118
    assert fonts, "no font embedded"
    # pypdf reads this CID font's text with NULs between characters; viewers do not.
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def register_as(world, role, **extra):
    hazard, _ = services.register(
        actor=world.user(role),
        enterprise=world.inside,
        level=Level.GENERAL,
        source="enforcement",
        category="5",
        place="二号仓库",
        description="消防通道堵塞",
        deadline=timezone.localdate() + timedelta(days=15),
        **extra,
    )
    return hazard


def test_a_regulator_finding_is_numbered_per_department_and_year(world, departments):
    first = register_as(world, Role.COUNTY_INSPECTOR)
    second = register_as(world, Role.GRID_INSPECTOR)
    year = timezone.localdate().year
    assert first.notice_number == f"兴庆区工信局隐改〔{year}〕第1号"
    assert second.notice_number == f"兴庆区工信局隐改〔{year}〕第2号"
    own = register_as(world, Role.SAFETY_MANAGER)
    assert own.notice_number == ""  # the enterprise's own finding gets no notice


def test_the_rectification_notice_pdf(world, departments, api):
    hazard = register_as(world, Role.COUNTY_INSPECTOR)
    response = api.as_user(world.user(Role.ENTERPRISE_PRINCIPAL)).get(
        f"/api/v1/hazards/{hazard.pk}/notice.pdf/"
    )
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "事故隐患整改通知书",
        hazard.notice_number,
        "园区内企业",
        "消防通道堵塞",
        "兴庆区工信局",
    ]:
        assert expected in text.replace("\n", "")


def test_the_listing_notice_pdf(world, make_hazard, api):
    hazard = make_hazard(level=Level.MAJOR, listed=False)
    listing = services.list_hazard(
        hazard=hazard,
        actor=world.user(Role.COUNTY_ADMIN),
        deadline=timezone.localdate() + timedelta(days=60),
    )
    response = api.as_user(world.user(Role.SAFETY_MANAGER)).get(
        f"/api/v1/hazards/{hazard.pk}/listing-notice.pdf/"
    )
    text = text_of(response).replace("\n", "")
    assert "挂牌督办通知书" in text and listing.notice_number in text and "摘牌销号" in text


@pytest.mark.parametrize("role", [*Role, None])
def test_notices_are_served_only_within_scope(world, departments, api, role):
    hazard = register_as(world, Role.COUNTY_INSPECTOR)
    response = api.as_user(world.users[role]).get(f"/api/v1/hazards/{hazard.pk}/notice.pdf/")
    assert response.status_code == (404 if role is None else 200)


def test_no_notice_for_an_enterprise_finding(world, departments, api):
    hazard = register_as(world, Role.SAFETY_MANAGER)
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).get(
        f"/api/v1/hazards/{hazard.pk}/notice.pdf/"
    )
    assert_hidden(response)

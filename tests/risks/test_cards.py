"""The printable post risk card: a PDF with the Chinese font embedded, read back as text."""

import io
import re

import pytest
from pypdf import PdfReader

from safeloop.orgs.roles import Role
from safeloop.risks import services

from .conftest import accident_type, lec


def text_of(pdf: bytes, page: int | None = None) -> str:
    """The text, without whitespace. pypdf decodes fpdf2's two-byte CID codes as pairs and
    maps the high byte through the ToUnicode entry <0000> to NUL, so NULs are dropped too."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages if page is None else [reader.pages[page]]
    return re.sub(r"[\s\x00]+", "", "".join(p.extract_text() for p in pages))


@pytest.fixture
def point(world, manager):
    point = services.create_risk_point(
        actor=manager,
        enterprise=world.inside,
        name="液氯钢瓶库",
        kind="place",
        post="液氯库管员",
        location="二号库房",
        hazard_factors="钢瓶阀门泄漏；超量储存",
        emergency_actions="佩戴空气呼吸器，启动碱液喷淋，疏散下风向人员",
        contacts="安全科 0951-1234567",
        accident_types=[accident_type("WSA10023"), accident_type("WSA10024")],
    )
    services.assess_risk_point(actor=manager, point=point, **lec(6, 6, 15))  # D = 540 → red
    services.create_measure(
        actor=manager,
        point=point,
        kind="engineering",
        description="安装氯气泄漏报警仪并与喷淋联锁",
        control_level="company",
        responsible="王工",
        inspection_frequency="daily",
    )
    return point


def test_it_prints_the_card_with_an_embedded_chinese_font(world, client, manager, point):
    client.force_login(manager)
    response = client.get(f"/risks/points/{point.pk}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = text_of(pdf)
    for expected in (
        "岗位风险告知卡",
        "重大风险",
        world.inside.name,
        "液氯库管员",
        "液氯钢瓶库",
        "钢瓶阀门泄漏",
        "中毒、窒息",
        "安装氯气泄漏报警仪并与喷淋联锁",
        "公司级",
        "佩戴空气呼吸器",
        "0951-1234567",
        "540",
    ):
        assert expected in text, expected
    assert b"/FontFile" in pdf and b"SafeLoop" in pdf  # our subset font, embedded
    assert len(pdf) < 200_000  # subset to the characters used


def test_it_prints_all_cards_of_an_enterprise_one_page_each(world, client, manager, point):
    services.create_risk_point(actor=manager, enterprise=world.inside, name="配电室", kind="place")
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = client.get(f"/risks/enterprises/{world.inside.pk}/cards.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2
    assert "未评价" in text_of(response.content, page=1)


@pytest.mark.parametrize(
    "role", [Role.SYSTEM_ADMIN, Role.CITY_INSPECTOR, Role.GRID_INSPECTOR, None]
)
def test_it_prints_cards_only_in_scope(world, client, point, role):
    client.force_login(world.users[role])
    expected = 404 if role is None else 200
    assert client.get(f"/risks/points/{point.pk}/card.pdf").status_code == expected
    admin = world.user(Role.SYSTEM_ADMIN)
    other = services.create_risk_point(
        actor=admin, enterprise=world.outside, name="外", kind="place"
    )
    expected = 200 if role == Role.SYSTEM_ADMIN else 404
    assert client.get(f"/risks/points/{other.pk}/card.pdf").status_code == expected

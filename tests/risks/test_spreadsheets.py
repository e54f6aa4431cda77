"""Excel export and import of risk points: round trip, dry run listing every error,
all-or-nothing apply, scope."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from safeloop.orgs.roles import Role
from safeloop.risks import services
from safeloop.risks.models import EnterpriseRiskProfile, RiskPoint
from safeloop.risks.spreadsheets import HEADERS

from .conftest import accident_type, lec


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row + [None] * (len(HEADERS) - len(row)))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "risks.xlsx"
    return out


def upload(client, rows, action="check"):
    return client.post("/risks/import/", {"file": workbook(rows), "action": action})


def row(world, name="1#反应釜", **kw):
    values = {
        "uscc": world.inside.uscc,
        "name": name,
        "kind": "设备设施",
        "location": "一车间",
        "post": "操作工",
        "accident_types": "WSA10016、WSA10023",
        "hazard_factors": "可燃气体泄漏",
        "emergency_actions": "切断气源",
        "contacts": "110",
        "review_due": "2027-06-30",
        "method": "LEC",
        "l": 6,
        "e": 6,
        "c": 15,
        "s": None,
        "direct_reason": None,
    }
    values.update(kw)
    return list(values.values())


def test_it_checks_then_applies_a_good_file(world, client, manager):
    client.force_login(manager)
    rows = [
        row(world),
        row(world, "配电室", kind="场所区域", method="LS", l=1, e=None, c=None, s=3),
    ]
    response = upload(client, rows)
    assert response.status_code == 200 and b'id="import-checked"' in response.content
    assert not RiskPoint.objects.exists()  # a dry run writes nothing
    response = upload(client, rows, "apply")
    assert response.status_code == 200 and b'id="import-done"' in response.content
    reactor = RiskPoint.objects.get(name="1#反应釜")
    assert reactor.level == "red" and reactor.current_assessment.score == Decimal("540")
    assert sorted(reactor.accident_types.values_list("code", flat=True)) == [
        "WSA10016",
        "WSA10023",
    ]
    assert RiskPoint.objects.get(name="配电室").level == "blue"  # R = 1 × 3 = 3
    profile = EnterpriseRiskProfile.objects.get(enterprise=world.inside)
    assert (profile.red, profile.blue) == (1, 1)
    # Applying the same file again updates in place and writes no new assessment.
    upload(client, rows, "apply")
    assert RiskPoint.objects.count() == 2 and reactor.assessments.count() == 1


def test_it_lists_every_error_and_writes_nothing(world, client, manager):
    client.force_login(manager)
    rows = [
        row(world),  # good
        row(world, "", kind="水池"),  # name, kind
        row(world, "B", accident_types="WSA10009、X99", l=4, c=50),  # codes, L, C
        row(world, "C", uscc=world.outside.uscc),  # outside the manager's area
        row(world, "D", review_due="明年", method="LS", l=6, s=9),  # date, L, S
        row(world, "E", method="直接判定", direct_reason=None),  # reason missing
        row(world, "1#反应釜"),  # duplicate of row 2
    ]
    response = upload(client, rows, "apply")
    assert response.status_code == 400
    html = response.content.decode()
    errors = [(r, c) for r, c, _m in response.context["result"].errors]
    assert errors == [
        (3, "风险点名称"),
        (3, "风险点类型"),
        (4, "可能导致的事故类型（代码，顿号分隔）"),
        (4, "L"),
        (4, "C"),
        (5, "统一社会信用代码"),
        (6, "下次评审日期"),
        (6, "L"),
        (6, "S"),
        (7, "直接判定理由"),
        (8, "风险点名称"),
    ], errors
    assert "X99" in html and 'id="import-errors"' in html
    assert not RiskPoint.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.SAFETY_MANAGER, 200),
        (Role.COUNTY_ADMIN, 200),
        (Role.COUNTY_INSPECTOR, 400),  # sees the enterprise, may not change its risks
        (Role.GRID_INSPECTOR, 400),
    ],
)
def test_it_imports_only_where_the_user_may_write(world, client, role, status):
    client.force_login(world.user(role))
    response = upload(client, [row(world)], "apply")
    assert response.status_code == status
    assert RiskPoint.objects.exists() == (status == 200)


def test_it_refuses_files_that_are_not_xlsx(world, client, manager):
    client.force_login(manager)
    bad = io.BytesIO(b"not,a,workbook")
    bad.name = "risks.csv"
    response = client.post("/risks/import/", {"file": bad, "action": "check"})
    assert response.status_code == 400 and b'id="refused"' in response.content
    fake = io.BytesIO(b"PK\x03\x04 not really")
    fake.name = "risks.xlsx"
    assert client.post("/risks/import/", {"file": fake}).status_code == 400


def test_it_exports_what_the_user_sees_and_reads_it_back(world, client, manager):
    admin = world.user(Role.SYSTEM_ADMIN)
    point = services.create_risk_point(
        actor=manager,
        enterprise=world.inside,
        name="=cmd|' /C calc'!A0",
        kind="operation",
        accident_types=[accident_type("WSA10009")],
    )
    services.assess_risk_point(actor=manager, point=point, **lec(3, 6, 7))
    services.create_risk_point(actor=admin, enterprise=world.outside, name="外地", kind="place")
    client.force_login(manager)
    response = client.get("/risks/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"  # never a live formula
    assert rows[1][2] == "作业活动" and rows[1][5] == "WSA10009" and rows[1][10] == "LEC"
    # The exported file imports back onto the same point without a new assessment.
    data = io.BytesIO(response.content)
    data.name = "back.xlsx"
    back = client.post("/risks/import/", {"file": data, "action": "apply"})
    assert back.status_code == 200, back.context["result"].errors
    assert RiskPoint.objects.filter(enterprise=world.inside).count() == 1
    assert point.assessments.count() == 1

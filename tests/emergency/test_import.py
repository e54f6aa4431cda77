"""Spreadsheet import of emergency resources with the ledger's rules: template, check (dry
run) listing every error by row and column, all rows or none, refused files (malformed, wrong
type, oversized), hostile strings, the importer's scope, and the export importing back."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from safeloop.emergency import imports
from safeloop.emergency.models import Resource
from safeloop.orgs.roles import Role
from tests.scope import assert_status

URL = "/api/v1/emergency-resources/import/"
TEAM = ["", "救援队伍", "兴庆区危化品救援队", "兴庆区", "", "专业", "危化品", 30, "张队长",
        13912345678, "", "工业园区", 38.47, 106.28, "可调用", ""]  # fmt: skip


def sheet(*rows, headers=None, name="resources.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = imports.SHEET
    ws.append(headers or imports.HEADERS)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def row(**changes):
    values = list(TEAM)
    for key, value in changes.items():
        values[imports.COL[key]] = value
    return values


def send(client, upload, dry_run=False):
    return client.post(URL, {"file": upload, "dry_run": "true" if dry_run else "false"})


def test_it_checks_then_imports_a_good_file_all_rows(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    rows = [row(), row(name="兴庆区通信保障组", kind="通信保障", team_kind="", headcount=None)]
    checked = send(client, sheet(*rows), dry_run=True)
    assert_status(checked, 200)
    assert checked.json()["would_create"] == 2 and checked.json()["created_count"] == 0
    assert not Resource.objects.exists()  # a check writes nothing
    done = send(client, sheet(*rows))
    assert_status(done, 200)
    assert done.json()["created_count"] == 2
    team = Resource.objects.get(name="兴庆区危化品救援队")
    assert (team.kind, team.team_kind, team.headcount) == ("team", "professional", 30)
    assert team.duty_phone == "13912345678" and team.region_code == world.county.code


def test_it_lists_every_error_by_row_and_column_and_writes_nothing(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    rows = [
        row(),  # good, but the file has errors: not written
        row(kind="坦克", name=None),
        row(latitude="北纬38度"),
        row(latitude=200),
        row(region="西夏区"),  # another county: outside the importer's scope
        row(name='=HYPERLINK("http://x")'),
    ]
    response = send(client, sheet(*rows))
    assert_status(response, 400)
    body = response.json()["error"]
    found = {(r, letter) for r, letter, _header, _message in body["rows"]}
    assert found == {(3, "B"), (3, "C"), (4, "M"), (5, "M"), (6, "D"), (7, "C")}
    assert body["error_count"] == 6
    messages = {(r, letter): message for r, letter, _h, message in body["rows"]}
    assert messages[(3, "B")] == "“坦克”不是可选值" and messages[(3, "C")] == "必填"
    assert messages[(7, "C")] == "不接受公式，请粘贴为数值"
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("r.csv", b"a,b\n"), ".xlsx"),
        (SimpleUploadedFile("r.xlsx", b"not a workbook at all"), "不是 .xlsx"),
        (SimpleUploadedFile("r.xlsx", b"PK\x03\x04" + b"\0" * 100), "损坏"),
        (SimpleUploadedFile("r.xlsx", b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)), "超过 5 MB"),
    ],
)
def test_it_refuses_a_file_it_cannot_read(client, world, upload, message):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = send(client, upload)
    assert_status(response, 400)
    assert message in response.json()["error"]["message"]


def test_it_refuses_a_sheet_with_wrong_headers(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = send(client, sheet(row(), headers=["名称", "颜色"]))
    assert_status(response, 400)
    message = response.json()["error"]["message"]
    assert "缺少必填列：资源类型" in message and "无法识别的列：颜色" in message


def test_it_keeps_the_importer_in_scope(client, world):
    county = world.user(Role.COUNTY_ADMIN)
    client.force_login(world.user(Role.CITY_ADMIN))
    assert_status(send(client, sheet(row(region="西夏区", name="西夏区救援队"))), 200)
    sibling = Resource.objects.get(name="西夏区救援队")
    client.force_login(county)
    outside = send(client, sheet(row(id=sibling.pk, name="改名")))
    assert_status(outside, 400)
    assert "不在您的管辖范围内" in outside.json()["error"]["rows"][0][3]
    foreign = send(client, sheet(row(enterprise=world.sibling.uscc, region=None)))
    assert_status(foreign, 400)
    assert outside.json()["error"]["rows"][0][1] == "A"
    assert foreign.json()["error"]["rows"][0][1] == "E"
    assert Resource.objects.get(pk=sibling.pk).name == "西夏区救援队"
    own = send(client, sheet(row(enterprise=world.inside.uscc, region=None, name="企业救援队")))
    assert_status(own, 200)
    assert Resource.objects.get(name="企业救援队").enterprise == world.inside
    client.force_login(world.user(Role.EXPERT))
    assert_status(send(client, sheet(row())), 403)
    assert_status(client.get("/emergency/resources/import/"), 403)


def test_it_exports_what_imports_back_and_guards_hostile_text(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    hostile = "@SUM(1+1)<script>alert(1)</script>"
    assert_status(send(client, sheet(row(name=hostile, note="+cmd|' /C calc'!A0"))), 200)
    page = client.get("/emergency/resources/").content.decode()
    assert "<script>alert(1)</script>" not in page
    exported = client.get("/emergency/resources/export/")
    ws = load_workbook(BytesIO(exported.content)).active
    values = [c.value for c in ws[2]]
    assert values[imports.COL["name"]] == "'" + hostile
    assert values[imports.COL["note"]].startswith("'+")
    assert [c.value for c in ws[1]] == imports.HEADERS
    resource = Resource.objects.get()
    # the exported file imports back as an update of the same resource
    ws.cell(row=2, column=imports.COL["headcount"] + 1, value=12)
    out = BytesIO()
    ws.parent.save(out)
    again = send(client, SimpleUploadedFile("export.xlsx", out.getvalue()))
    assert_status(again, 200)
    assert again.json()["updated_count"] == 1 and again.json()["created_count"] == 0
    resource.refresh_from_db()
    assert resource.headcount == 12 and resource.version == 2


def test_the_screen_checks_and_imports(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get("/emergency/resources/import/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(page, 200)
    template = client.get("/emergency/resources/import/template/")
    assert_status(template, 200)
    assert [c.value for c in load_workbook(BytesIO(template.content)).active[1]] == imports.HEADERS
    bad = client.post(
        "/emergency/resources/import/", {"file": sheet(row(kind="坦克")), "apply": "0"}
    )
    assert_status(bad, 400)
    assert "“坦克”不是可选值" in bad.content.decode()
    good = client.post("/emergency/resources/import/", {"file": sheet(row()), "apply": "0"})
    assert_status(good, 200)
    assert not Resource.objects.exists()
    done = client.post("/emergency/resources/import/", {"file": sheet(row()), "apply": "1"})
    assert_status(done, 302)
    assert Resource.objects.count() == 1


# ---------------------------------------------------------------- stocks (second sheet)
def workbook(resources, stocks):
    wb = Workbook()
    ws = wb.active
    ws.title = imports.SHEET
    ws.append(imports.HEADERS)
    for values in resources:
        ws.append(values)
    st = wb.create_sheet(imports.STOCK_SHEET)
    st.append(imports.STOCK_HEADERS)
    for values in stocks:
        st.append(values)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("stocks.xlsx", out.getvalue())


def test_it_imports_stocks_into_warehouses_and_updates_them(client, world, make_resource):
    from datetime import date

    from safeloop.emergency.models import Stock, StockType

    store = make_resource(kind="warehouse", name="兴庆区物资库", team_kind="")
    kind = StockType.objects.order_by("code").first()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    rows = [["", store.pk, kind.name, 120, "", "2027-06-30", "区应急局"]]
    checked = send(client, workbook([], rows), dry_run=True)
    assert_status(checked, 200)
    assert checked.json()["would_create_stocks"] == 1 and not Stock.objects.exists()
    done = send(client, workbook([], rows))
    assert_status(done, 200)
    assert done.json()["stocks_created"] == 1
    stock = Stock.objects.get()
    assert (stock.warehouse, stock.stock_type, stock.quantity) == (store, kind, 120)
    assert stock.unit == kind.unit and stock.expires_on == date(2027, 6, 30)
    # The export carries the stock sheet, and a changed quantity imports back as an update.
    exported = load_workbook(BytesIO(client.get("/emergency/resources/export/").content))
    stock_rows = list(exported[imports.STOCK_SHEET].values)
    assert stock_rows[0] == tuple(imports.STOCK_HEADERS)
    again = [list(stock_rows[1])]
    again[0][3] = 80
    done = send(client, workbook([], again))
    assert_status(done, 200)
    assert done.json()["stocks_updated"] == 1
    stock.refresh_from_db()
    assert stock.quantity == 80 and stock.version == 2


def test_stock_errors_name_the_sheet_and_nothing_is_written(client, world, make_resource):
    from safeloop.emergency.models import Stock

    store = make_resource(kind="warehouse", name="兴庆区物资库", team_kind="")
    other = make_resource(
        kind="warehouse", name="西夏区物资库", team_kind="", region=world.sibling_county
    )
    team = make_resource(name="救援队")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    rows = [
        ["", store.pk, "防化服", 10, "", "", ""],  # good, but the file has errors
        ["", store.pk, "不存在的物资", 10, "", "", ""],
        ["", other.pk, "防化服", 10, "", "", ""],  # another county's warehouse
        ["", team.pk, "防化服", 10, "", "", ""],  # not a warehouse
        ["", store.pk, "防化服", -5, "", "", ""],
        ["", store.pk, "防化服", "很多", "", "", ""],
        ["", None, "防化服", 1, "", "", ""],
    ]
    response = send(client, workbook([row()], rows))
    assert_status(response, 400)
    body = response.json()["error"]
    found = {(r, letter) for r, letter, _h, _m in body["rows"]}
    assert found == {(3, "C"), (4, "B"), (5, "B"), (6, "D"), (7, "D"), (8, "B")}
    assert all(h.startswith("库存物资：") for _r, _l, h, _m in body["rows"])
    assert not Stock.objects.exists() and not Resource.objects.filter(name=TEAM[2]).exists()

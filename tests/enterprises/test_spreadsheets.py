"""Spreadsheet template, import (dry run, confirm, upsert, hostile input) and export, each with
a real .xlsx built in the test."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook, load_workbook

from safeloop.core.models import AuditEntry
from safeloop.enterprises import columns as C
from safeloop.enterprises.models import Enterprise, ImportBatch, Licence
from safeloop.orgs.roles import REGULATORS, Role
from tests.conftest import run_worker, valid_uscc
from tests.scope import ROLES, assert_refused


def row(**values) -> dict:
    base = {
        "统一社会信用代码": valid_uscc("640104", 7001),
        "企业名称": "导入测试企业",
        "所属县区": "兴庆区",
        "行业代码": "3311",
        "规模": "小型",
        "从业人数": 30,
        "状态": "正常生产",
    }
    return {**base, **values}


def xlsx(rows, headers=None, *, merge=None, sheet=C.SHEET) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    headers = headers or C.HEADERS
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, world, content, name="台账.xlsx", role=Role.COUNTY_ADMIN, follow=True):
    client.force_login(world.users[role])
    return client.post(
        "/enterprises/import/", {"file": SimpleUploadedFile(name, content)}, follow=follow
    )


def batch() -> ImportBatch:
    return ImportBatch.objects.latest("id")


def confirm(client, b=None):
    b = b or batch()
    return client.post(f"/enterprises/import/{b.token}/confirm/", follow=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(params=["in process", "child process"])
def reader(request, settings):
    """Large files are read by a child process (sheet_reader); both readers must agree."""
    settings.LEDGER_IMPORT_PARALLEL_BYTES = 0 if request.param == "child process" else 10**9


@pytest.mark.parametrize("role", ROLES)
def test_the_template_is_for_regulators(world, client, role):
    client.force_login(world.users[role])
    response = client.get("/enterprises/import/template/")
    if role not in REGULATORS:
        assert_refused(response)
        return
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [C.SHEET, C.OPTIONS_SHEET, C.HELP_SHEET]
    ws = wb[C.SHEET]
    assert [c.value for c in ws[1]] == C.HEADERS
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    region_col = C.HEADERS.index("所属县区") + 1
    letter = ws.cell(row=1, column=region_col).column_letter
    assert f"{letter}2:{letter}5000" in validations
    options = wb[C.OPTIONS_SHEET]
    assert "兴庆区" in [c.value for c in options["A"]]
    assert "正常生产" in [c.value for row in options.iter_rows() for c in row]
    help_text = " ".join(str(c.value) for row in wb[C.HELP_SHEET].iter_rows() for c in row)
    assert "统一社会信用代码" in help_text and "WGS-84" in help_text


def test_a_valid_file_is_checked_then_imported_all_at_once(world, client, reader):
    rows = [
        row(),
        row(
            **{
                "统一社会信用代码": valid_uscc("640104", 7002),
                "企业名称": "导入测试二厂",
                "所属园区": "测试园区",
                "网格编码": "640104-T1",
                "涉爆粉尘": "是",
                "安全生产许可证编号": "(宁)WH安许证字[2025]001",
                "许可证发证机关": "宁夏回族自治区应急管理厅",
                "许可证有效期起": "2025-01-01",
                "许可证有效期止": "2028-01-01",
            }
        ),
    ]
    response = upload(client, world, xlsx(rows))
    b = batch()
    assert (b.status, b.created_count, b.error_count) == ("checked", 2, 0)
    assert 'id="confirm-form"' in response.content.decode()
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()
    confirm(client)
    b.refresh_from_db()
    assert b.status == "applied"
    second = Enterprise.objects.get(name="导入测试二厂")
    assert (second.sector, second.park, second.grid, second.dust_explosion) == (
        "machinery",
        world.park,
        world.grid,
        True,
    )
    assert Licence.objects.get(enterprise=second).valid_to.isoformat() == "2028-01-01"
    entry = AuditEntry.objects.get(action="enterprises.enterprise.import", object_id=str(second.pk))
    assert entry.actor == world.user(Role.COUNTY_ADMIN) and entry.region_code == "640104"


def test_text_with_copy_format_characters_is_written_exactly(world, client, reader):
    """New rows are written with COPY: tabs, line breaks, backslashes and quotes in a cell
    arrive in the record and its audit entry as typed."""
    address = '银川市\t兴庆区\n"一号"路 \\N \\. 100%'
    upload(client, world, xlsx([row(**{"地址": address})]))
    confirm(client)
    e = Enterprise.objects.get(name="导入测试企业")
    assert e.address == address
    entry = AuditEntry.objects.get(action="enterprises.enterprise.import", object_id=str(e.pk))
    assert entry.changes["address"] == [None, address]


def test_reimporting_the_same_file_changes_nothing(world, client):
    content = xlsx(
        [
            row(
                **{
                    "安全生产许可证编号": "L1",
                    "许可证发证机关": "厅",
                    "许可证有效期起": "2025-01-01",
                    "许可证有效期止": "2028-01-01",
                }
            )
        ]
    )
    upload(client, world, content)
    confirm(client)
    e = Enterprise.objects.get(name="导入测试企业")
    # The ledger's own records: the second batch's moves are audited, its rows unchanged.
    records = AuditEntry.objects.filter(action__startswith="enterprises.").exclude(
        action__startswith="enterprises.importbatch."
    )
    audits = records.count()
    upload(client, world, content)
    b = batch()
    assert (b.created_count, b.updated_count, b.unchanged_count) == (0, 0, 1)
    confirm(client)
    e.refresh_from_db()
    assert e.version == 1
    assert records.count() == audits
    assert AuditEntry.objects.filter(action="enterprises.importbatch.applied").count() == 2
    assert Licence.objects.filter(enterprise=e).count() == 1


def test_an_import_updates_by_uscc_with_a_new_version(world, client):
    content = xlsx(
        [
            row(
                **{
                    "统一社会信用代码": world.inside.uscc,
                    "企业名称": "园区内企业",
                    "所属园区": "测试园区",
                    "网格编码": "640104-T1",
                    "从业人数": 77,
                }
            )
        ]
    )
    upload(client, world, content)
    assert batch().updated_count == 1
    confirm(client)
    world.inside.refresh_from_db()
    assert (world.inside.employees, world.inside.version) == (77, 2)
    entry = AuditEntry.objects.get(action="enterprises.enterprise.import")
    assert entry.changes["employees"] == [0, 77]


def test_every_error_is_listed_by_row_and_column(world, client, reader):
    rows = [
        row(),
        row(**{"统一社会信用代码": "123", "从业人数": "很多", "规模": "巨型"}),
        row(
            **{
                "统一社会信用代码": valid_uscc("640104", 7003),
                "所属县区": "火星区",
                "法定代表人手机": "123",
                "纬度": 38.5,
            }
        ),
    ]
    response = upload(client, world, xlsx(rows))
    b = batch()
    assert b.status == "checked" and b.error_count == 6, b.errors
    cells = {(r, letter) for r, letter, _, _ in b.errors}
    col = {h: C.COLUMNS[C.HEADERS.index(h)] for h in C.HEADERS}
    letter = {
        h: re.sub(r"\d", "", f"{chr(65 + i)}" if i < 26 else "A" + chr(65 + i - 26))
        for i, h in enumerate(C.HEADERS)
    }
    assert (3, letter["统一社会信用代码"]) in cells
    assert (3, letter["从业人数"]) in cells and (3, letter["规模"]) in cells
    assert (4, letter["所属县区"]) in cells and (4, letter["法定代表人手机"]) in cells
    assert any(r == 4 and "经度" in m for r, _, _, m in b.errors)
    assert col
    html = response.content.decode()
    assert 'id="confirm-form"' not in html and "火星区" in html
    report = client.get(f"/enterprises/import/{b.token}/errors/")
    ws = load_workbook(io.BytesIO(report.content)).active
    assert ws.max_row == 7  # header + six errors
    assert confirm(client).status_code == 409  # a checked file with errors is not imported
    assert not Enterprise.objects.filter(name="导入测试企业").exists()


def test_the_confirm_step_writes_all_rows_or_none(world, client):
    """A row that became invalid between the check and the confirm stops the whole import."""
    rows = [row(), row(**{"统一社会信用代码": valid_uscc("640104", 7004), "企业名称": "第二家"})]
    upload(client, world, xlsx(rows))
    # someone outside the importer's scope takes the second code meanwhile
    Enterprise.objects.create(
        name="别处企业", uscc=valid_uscc("640104", 7004), region=world.sibling_county
    )
    confirm(client)
    b = batch()
    assert b.status == "failed" and b.error_count == 1
    assert not Enterprise.objects.filter(name="导入测试企业").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_regulators_import_and_only_inside_their_scope(world, client, role):
    rows = [
        row(),
        row(
            **{
                "统一社会信用代码": valid_uscc("640105", 7005),
                "所属县区": "西夏区",
                "企业名称": "西夏导入",
            }
        ),
    ]
    response = upload(client, world, xlsx(rows), role=role, follow=False)
    if role not in REGULATORS:
        assert_refused(response)
        return
    b = batch()
    by_scope = {r for r, *_ in b.errors}
    if role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}:
        assert b.error_count == 0
    elif role in {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}:
        assert by_scope == {3}
    else:  # park officer and grid inspector: neither row lies in their unit
        assert by_scope == {2, 3}
    other = client.get(f"/enterprises/import/{b.token}/")
    assert other.status_code == 200


def test_a_batch_is_visible_to_its_uploader_only(world, client):
    upload(client, world, xlsx([row()]))
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get(f"/enterprises/import/{batch().token}/").status_code == 404


# Hostile input: a clear message and no partial write


def refused(client, world, content, name="台账.xlsx") -> str:
    response = upload(client, world, content, name=name)
    b = batch()
    assert b.status == "failed", b.errors
    assert not Enterprise.objects.filter(name__startswith="导入").exists()
    return b.message + response.content.decode()


@pytest.mark.parametrize("name", ["台账.xls", "台账.csv", "台账.xlsm", "台账"])
def test_it_refuses_other_file_types(world, client, name):
    assert ".xlsx" in refused(client, world, xlsx([row()]), name=name)


def test_it_refuses_a_renamed_file(world, client):
    assert "不是 .xlsx 格式" in refused(client, world, b"%PDF-1.4 not a workbook")


def test_it_refuses_a_corrupt_zip(world, client):
    content = xlsx([row()])
    broken = content[: len(content) // 2]
    assert "损坏" in refused(client, world, broken)


def test_it_refuses_a_zip_that_is_not_a_workbook(world, client, reader):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    assert "无法读取" in refused(client, world, out.getvalue())


def test_it_refuses_a_huge_sheet(world, client, settings, reader):
    settings.LEDGER_IMPORT_MAX_ROWS = 20
    rows = [
        row(**{"统一社会信用代码": valid_uscc("640104", 8000 + i), "企业名称": f"导入{i}"})
        for i in range(25)
    ]
    assert "超过 20 行" in refused(client, world, xlsx(rows))


def test_a_sheet_declaring_a_million_rows_reads_only_what_is_there(world, client, reader):
    content = xlsx([row()])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', data)
            dst.writestr(item, data)
    upload(client, world, out.getvalue())
    b = batch()
    assert (b.status, b.total_rows, b.created_count) == ("checked", 1, 1)


def test_it_refuses_merged_header_cells(world, client, reader):
    message = refused(client, world, xlsx([row()], merge="A1:B1"))
    assert "表头第 B 列为空" in message and "合并单元格" in message


def test_it_refuses_a_file_without_the_template_headers(world, client):
    message = refused(client, world, xlsx([{"名称": "x"}], headers=["名称", "代码"]))
    assert "缺少必填列" in message and "统一社会信用代码" in message


def test_formulas_are_cell_errors(world, client):
    upload(client, world, xlsx([row(**{"从业人数": "=10*3", "企业名称": '=HYPERLINK("x")'})]))
    b = batch()
    assert b.error_count == 2 and all("公式" in m for *_, m in b.errors)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-12-31", "2027-12-31"),
        ("2027/1/5", "2027-01-05"),
        ("2027年1月5日", "2027-01-05"),
        ("2027.01.05", "2027-01-05"),
        ("２０２７－１２－３１", "2027-12-31"),
        ("20271231", "2027-12-31"),
    ],
)
def test_dates_as_text_are_read(world, client, reader, text, expected):
    upload(client, world, xlsx([row(**{"标准化有效期至": text})]))
    confirm(client)
    assert Enterprise.objects.get(name="导入测试企业").standard_expiry.isoformat() == expected


@pytest.mark.parametrize("text", ["明年", "2027-02-30", "31/12/2027"])
def test_unreadable_dates_are_cell_errors(world, client, text):
    upload(client, world, xlsx([row(**{"标准化有效期至": text})]))
    [[r, letter, header, message]] = batch().errors
    assert (r, header) == (2, "标准化有效期至") and text in message


def test_full_width_digits_and_trailing_spaces_are_normalised(world, client, reader):
    code = valid_uscc("640104", 7010)
    wide = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    upload(
        client,
        world,
        xlsx(
            [
                row(
                    **{
                        "统一社会信用代码": f" {wide}　",
                        "企业名称": "导入空格企业  ",
                        "从业人数": "１２０",
                        "行业代码": "３３１１ ",
                        "所属县区": "兴庆区 ",
                    }
                )
            ]
        ),
    )
    assert batch().error_count == 0, batch().errors
    confirm(client)
    e = Enterprise.objects.get(uscc=code)
    assert (e.name, e.employees, e.industry_code) == ("导入空格企业", 120, "3311")


def test_duplicate_usccs_inside_the_file_are_errors(world, client):
    rows = [row(), row(**{"企业名称": "导入同码"}), row(**{"企业名称": "导入三码"})]
    upload(client, world, xlsx(rows))
    b = batch()
    assert [(r, m) for r, _, _, m in b.errors] == [
        (3, "与第 2 行的统一社会信用代码重复"),
        (4, "与第 2 行的统一社会信用代码重复"),
    ]


def test_an_incomplete_licence_is_an_error(world, client):
    upload(client, world, xlsx([row(**{"安全生产许可证编号": "L9"})]))
    headers = {h for _, _, h, _ in batch().errors}
    assert headers == {"许可证发证机关", "许可证有效期起", "许可证有效期止"}


# Background job


@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_as_a_background_job_with_progress(client, settings, django_db_setup):
    from safeloop.orgs.models import Region, RegionLevel
    from tests.conftest import make_user

    settings.LEDGER_IMPORT_SYNC_BYTES = 1
    settings.LEDGER_IMPORT_PARALLEL_BYTES = 1  # the worker reads it through the child process
    city = Region.objects.create(code="640100", name="银川市", level=RegionLevel.CITY)
    Region.objects.create(code="640104", name="兴庆区", level="county", parent=city)
    admin = make_user("bg_admin", Role.CITY_ADMIN, region=city)
    client.force_login(admin)
    rows = [
        row(**{"统一社会信用代码": valid_uscc("640104", 9000 + i), "企业名称": f"后台{i}"})
        for i in range(1500)
    ]
    client.post("/enterprises/import/", {"file": SimpleUploadedFile("大.xlsx", xlsx(rows))})
    b = batch()
    assert b.background and b.status == "checking"
    page = client.get(f"/enterprises/import/{b.token}/").content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page

    run_worker(["imports"])
    b.refresh_from_db()
    assert (b.status, b.created_count, b.processed_rows) == ("checked", 1500, 1500)
    client.post(f"/enterprises/import/{b.token}/confirm/")
    run_worker(["imports"])
    b.refresh_from_db()
    assert b.status == "applied"
    assert Enterprise.objects.filter(name__startswith="后台").count() == 1500
    fragment = client.get(f"/enterprises/import/{b.token}/", HTTP_HX_REQUEST="true")
    assert 'id="import-status"' in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()


# Export


def exported(client, world, role=Role.CITY_ADMIN, query=""):
    client.force_login(world.users[role])
    response = client.get(f"/enterprises/export/?{query}")
    assert response.status_code == 200
    content = response.content
    return load_workbook(io.BytesIO(content))[C.SHEET]


@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_the_enterprises_in_scope(world, client, role):
    ws = exported(client, world, role)
    names = {r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert names == set(
        Enterprise.objects.for_user(world.users[role]).values_list("name", flat=True)
    )


def test_the_export_follows_the_filters(world, client):
    world.sibling.industry_code = "3110"
    world.sibling.save()
    ws = exported(client, world, query="sector=metallurgy")
    assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == ["西夏企业"]
    assert AuditEntry.objects.filter(action="enterprises.export").exists()


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_the_export_neutralises_formula_injection(world, client, payload):
    world.inside.name = payload
    world.inside.address = payload
    world.inside.save()
    ws = exported(client, world)
    [inside] = [r for r in ws.iter_rows(min_row=2) if r[0].value == world.inside.uscc]
    for cell in (inside[1], inside[C.HEADERS.index("地址")]):
        assert cell.data_type == "s"
        # the file format stores a carriage return as a line feed
        assert cell.value == ("'" + payload).replace("\r", "\n")


def test_an_exported_file_imports_back_unchanged(world, client):
    world.inside.industry_code = "3311"
    world.inside.dust_explosion = True
    world.inside.latitude, world.inside.longitude = "38.487193", "106.230909"
    world.inside.standard_grade = "third"
    world.inside.save()
    Licence.objects.create(
        enterprise=world.inside,
        number="L-1",
        authority="厅",
        valid_from="2025-01-01",
        valid_to="2028-01-01",
    )
    client.force_login(world.user(Role.COUNTY_ADMIN))
    content = client.get("/enterprises/export/").content
    upload(client, world, content)
    b = batch()
    assert (b.error_count, b.created_count, b.updated_count, b.unchanged_count) == (0, 0, 0, 1), (
        b.errors
    )


def test_a_county_outside_the_scope_reads_as_one_that_does_not_exist(world, client):
    outside = row(**{"统一社会信用代码": valid_uscc("640202", 7006), "所属县区": "大武口区"})
    missing = row(**{"统一社会信用代码": valid_uscc("640202", 7007), "所属县区": "不存在区"})
    upload(client, world, xlsx([outside, missing]), role=Role.COUNTY_ADMIN, follow=False)
    errors = {r: message for r, _letter, _header, message in batch().errors}
    assert errors[2] == "找不到“大武口区”" and errors[3] == "找不到“不存在区”"


def _reltuples() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'enterprises_enterprise'")
        return cursor.fetchone()[0]


def _analyses(callbacks) -> list:
    return [c for c in callbacks if getattr(c, "__name__", "") == "analyse"]


def test_a_large_applied_import_analyses_its_tables_once_it_commits(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_IMPORT_ANALYZE_ROWS = 2
    rows = [
        row(**{"统一社会信用代码": valid_uscc("640104", 7100 + i), "企业名称": f"统计{i}"})
        for i in range(3)
    ]
    upload(client, world, xlsx(rows))
    with django_capture_on_commit_callbacks() as callbacks:
        confirm(client)
    assert batch().status == "applied"
    assert len(_analyses(callbacks)) == 1
    _analyses(callbacks)[0]()  # what runs once the import's transaction commits
    assert _reltuples() == Enterprise.all_objects.count() == 6


def test_a_small_import_leaves_the_statistics_to_autovacuum(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_IMPORT_ANALYZE_ROWS = 4
    rows = [
        row(**{"统一社会信用代码": valid_uscc("640104", 7200 + i), "企业名称": f"统计{i}"})
        for i in range(3)
    ]
    upload(client, world, xlsx(rows))
    with django_capture_on_commit_callbacks() as callbacks:
        confirm(client)
    assert batch().status == "applied" and _analyses(callbacks) == []

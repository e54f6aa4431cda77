"""Accounts from a spreadsheet: template, dry run listing every error, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from safeloop.orgs.models import User
from safeloop.orgs.roles import ADMINS, Role
from tests.scope import ROLES, assert_status


def sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.append(["用户名", "姓名", "手机号码", "电子邮箱", "角色", "所属单位"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("accounts.xlsx", buffer.getvalue())


def good_rows(world):
    return [
        ["imp_a", "甲", "13900000101", "", "企业安全管理人员", world.inside.uscc],
        ["imp_b", "乙", "13900000102", "", "county_inspector", "640104"],
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_template_is_for_account_managers(world, client, role):
    client.force_login(world.users[role])
    response = client.get("/accounts/import/template/")
    managers = ADMINS | {Role.ENTERPRISE_PRINCIPAL}
    assert_status(response, 200 if role in managers else 404)
    if role in managers:
        header = next(load_workbook(io.BytesIO(response.content)).active.values)
        assert header[0] == "用户名"


def test_a_dry_run_writes_nothing(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.post("/accounts/import/", {"file": sheet(good_rows(world))})
    assert_status(response, 200)
    assert 'id="import-clean"' in response.content.decode()
    assert not User.objects.filter(username__startswith="imp_").exists()


def test_it_lists_every_error_and_writes_nothing(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    rows = [
        *good_rows(world),
        ["imp_c", "丙", "12345", "", "county_inspector", "640104"],  # bad mobile
        ["imp_d", "丁", "", "", "city_admin", "640100"],  # above the importer
        ["imp_e", "戊", "", "", "safety_manager", world.outside.uscc],  # outside the scope
        ["imp_a", "重", "", "", "safety_manager", world.inside.uscc],  # duplicate username
    ]
    response = client.post("/accounts/import/", {"file": sheet(rows), "apply": "on"})
    assert_status(response, 400)
    html = response.content.decode()
    for n in (4, 5, 6, 7):
        assert f"第 {n} 行" in html or f"第{n}行" in html, n
    assert not User.objects.filter(username__startswith="imp_").exists()


def test_it_imports_all_rows_with_their_invitations(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.post("/accounts/import/", {"file": sheet(good_rows(world)), "apply": "on"})
    assert_status(response, 200)
    assert response.content.decode().count('<a href="http://testserver/activate/') == 2
    a = User.objects.get(username="imp_a")
    assert a.role_assignments.get().enterprise == world.inside
    assert User.objects.get(username="imp_b").role_assignments.get().region == world.county


def test_a_file_that_is_no_workbook_is_refused(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    upload = SimpleUploadedFile("accounts.xlsx", b"not a workbook")
    assert_status(client.post("/accounts/import/", {"file": upload}), 400)

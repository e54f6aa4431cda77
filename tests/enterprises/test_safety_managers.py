"""Safety managers (a list on the record): the service, the API, the page, the spreadsheet
cell and the data migration, each with its rules — scope, masking, bad input, versions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeloop.core.errors import Conflict, Invalid
from safeloop.core.models import AuditEntry
from safeloop.enterprises import columns as C
from safeloop.enterprises import services
from safeloop.enterprises.models import Enterprise, SafetyManager
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.enterprises.test_spreadsheets import batch, confirm, row, upload, xlsx
from tests.enterprises.test_views import edit_data, managers_data
from tests.scope import ROLES

CERT = "11010519491231002X"
ZHANG = {"name": "张三", "mobile": "13900000001", "duties": "专职安全员"}
LI = {
    "name": "李四",
    "mobile": "13900000002",
    "certificate_number": CERT,
    "certificate_valid_to": date(2028, 1, 31),
}


def managers_of(enterprise) -> list[tuple]:
    return [m.values for m in enterprise.safety_managers.all()]


def set_managers(world, entries, role=Role.COUNTY_ADMIN):
    world.inside.refresh_from_db()
    return services.update_enterprise(
        actor=world.user(role),
        enterprise=world.inside,
        data={},
        safety_managers=entries,
        expected_version=world.inside.version,
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# The service


def test_it_adds_keeps_reorders_and_removes_managers_with_a_new_version(world):
    e = set_managers(world, [ZHANG, LI])
    assert e.version == 2 and [m.name for m in e.safety_managers.all()] == ["张三", "李四"]
    zhang, li = e.safety_managers.all()
    e = set_managers(world, [LI, ZHANG])  # reordered: same rows, no audit noise
    assert [m.pk for m in e.safety_managers.all()] == [li.pk, zhang.pk] and e.version == 3
    e = set_managers(world, [LI])
    assert [m.pk for m in e.safety_managers.all()] == [li.pk]
    removed = SafetyManager.all_objects.get(pk=zhang.pk)
    assert removed.removed_at is not None  # kept for the history, not deleted
    assert AuditEntry.objects.filter(
        action="enterprises.safetymanager.remove", object_id=str(zhang.pk)
    ).exists()
    version = e.version
    assert set_managers(world, [dict(LI)]).version == version  # nothing changed


def test_the_audit_masks_the_certificate_number(world):
    set_managers(world, [LI])
    entry = AuditEntry.objects.get(action="enterprises.safetymanager.create")
    assert entry.changes["certificate_number"] == ["***", "***"]
    assert entry.changes["name"] == [None, "李四"] and entry.region_code == "640104"


@pytest.mark.parametrize(
    "entry, field",
    [
        ({"name": ""}, "名称"),
        ({"name": "张三", "mobile": "1390000000a"}, "手机"),
        ({"name": "张/三"}, "名称"),
        ({"name": "张三", "duties": "a;b"}, "职责"),
        ({"name": "张三", "certificate_valid_to": date(2028, 1, 1)}, "证书编号"),
        ({"name": "名" * 51}, "名称"),
    ],
)
def test_bad_managers_are_refused_with_the_person_and_field(world, entry, field):
    with pytest.raises(Invalid) as error:
        set_managers(world, [ZHANG, entry])
    [message] = error.value.errors["safety_managers"]
    assert message.startswith("第2名安全管理人员") and field in message
    world.inside.refresh_from_db()
    assert world.inside.version == 1 and managers_of(world.inside) == []


def test_more_than_twenty_managers_are_refused(world):
    with pytest.raises(ValidationError):
        set_managers(world, [{"name": f"人{i}"} for i in range(21)])


def test_a_stale_version_refuses_the_list(world):
    set_managers(world, [ZHANG])
    with pytest.raises(Conflict):
        services.update_enterprise(
            actor=world.user(Role.COUNTY_ADMIN),
            enterprise=world.inside,
            data={},
            safety_managers=[LI],
            expected_version=1,
        )


# The API


@pytest.mark.parametrize("role", ROLES)
def test_who_may_replace_the_list_through_the_api(world, api, role):
    response = api.as_user(world.users[role]).patch(
        f"/api/v1/enterprises/{world.inside.pk}/",
        {"version": 1, "safety_managers": [ZHANG, {**LI, "certificate_valid_to": "2028-01-31"}]},
    )
    if role in REGULATORS | ENTERPRISE_STAFF:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["version"] == 2
        assert [m["name"] for m in body["safety_managers"]] == ["张三", "李四"]
    else:
        assert response.status_code == {Role.EXPERT: 403, None: 404}[role]
    expected = 2 if response.status_code == 200 else 0
    assert world.inside.safety_managers.count() == expected


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_the_system_admin_reaches_managers_outside_the_scope(world, api, role):
    response = api.as_user(world.users[role]).patch(
        f"/api/v1/enterprises/{world.outside.pk}/", {"version": 1, "safety_managers": [ZHANG]}
    )
    assert response.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("role", [r for r in Role])
def test_certificate_numbers_are_masked_like_id_numbers(world, api, role):
    set_managers(world, [LI])
    body = api.as_user(world.users[role]).get(f"/api/v1/enterprises/{world.inside.pk}/").json()
    [manager] = body["safety_managers"]
    shown = CERT if role in ADMINS | ENTERPRISE_STAFF else "1101**********002X"
    assert manager["certificate_number"] == shown and manager["mobile"] == LI["mobile"]


def test_a_masked_number_sent_back_keeps_the_number_on_record(world, api):
    set_managers(world, [LI])
    client = api.as_user(world.user(Role.COUNTY_INSPECTOR))
    body = client.get(f"/api/v1/enterprises/{world.inside.pk}/").json()
    managers = body["safety_managers"] + [ZHANG]
    response = client.patch(
        f"/api/v1/enterprises/{world.inside.pk}/",
        {"version": body["version"], "safety_managers": managers},
    )
    assert response.status_code == 200, response.content
    assert world.inside.safety_managers.first().certificate_number == CERT
    forged = [{**managers[0], "certificate_number": "9999**********9999"}]
    response = client.patch(
        f"/api/v1/enterprises/{world.inside.pk}/",
        {"version": response.json()["version"], "safety_managers": forged},
    )
    assert response.status_code == 400
    assert "safety_managers" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "managers",
    [
        "张三",
        [{"mobile": "13900000001"}],
        [{"name": "张三", "mobile": "123"}],
        [{"name": "张三", "certificate_valid_to": "明年"}],
        [{"name": "<script>alert(1)</script>/x"}],
        [{"name": f"人{i}"} for i in range(21)],
        [{"name": "张三", "certificate_valid_to": "2028-01-01"}],
    ],
)
def test_bad_lists_get_field_errors_and_write_nothing(world, api, managers):
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).patch(
        f"/api/v1/enterprises/{world.inside.pk}/",
        {"version": 1, "safety_managers": managers},
    )
    assert response.status_code == 400, response.content
    assert "safety_managers" in response.json()["error"]["fields"]
    world.inside.refresh_from_db()
    assert world.inside.version == 1 and managers_of(world.inside) == []


def test_a_stale_api_update_of_the_list_is_a_conflict(world, api):
    set_managers(world, [ZHANG])
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).patch(
        f"/api/v1/enterprises/{world.inside.pk}/", {"version": 1, "safety_managers": [LI]}
    )
    assert response.status_code == 409
    assert [m.name for m in world.inside.safety_managers.all()] == ["张三"]


def test_an_api_create_takes_the_list(world, api):
    from tests.enterprises.test_api import new_enterprise

    response = api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        "/api/v1/enterprises/", new_enterprise(world, safety_managers=[ZHANG])
    )
    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(pk=response.json()["id"])
    assert [m.name for m in created.safety_managers.all()] == ["张三"]


# The page


def test_the_page_adds_and_removes_rows(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    url = f"/enterprises/{world.inside.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'id="manager-template"' in page and "managers-TOTAL_FORMS" in page
    data = {**edit_data(world.inside), **managers_data(ZHANG, {"name": "李四"})}
    assert client.post(url, data).status_code == 302
    assert [m.name for m in world.inside.safety_managers.all()] == ["张三", "李四"]
    world.inside.refresh_from_db()
    data = {
        **edit_data(world.inside),
        **managers_data(ZHANG, {"name": "李四", "DELETE": "on"}),
    }
    assert client.post(url, data).status_code == 302
    assert [m.name for m in world.inside.safety_managers.all()] == ["张三"]


def test_the_page_shows_field_errors_in_chinese(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    url = f"/enterprises/{world.inside.pk}/edit/"
    data = {**edit_data(world.inside), **managers_data({"name": "张三", "mobile": "123"})}
    html = client.post(url, data).content.decode()
    assert "请输入11位手机号码" in html
    assert managers_of(world.inside) == []


def test_the_detail_masks_certificate_numbers_for_inspectors(world, client):
    set_managers(world, [LI])
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    html = client.get(f"/enterprises/{world.inside.pk}/").content.decode()
    assert "1101**********002X" in html and CERT not in html
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert CERT in client.get(f"/enterprises/{world.inside.pk}/").content.decode()


# The spreadsheet cell


def test_the_cell_reads_people_and_parts():
    assert C.to_managers("张三/13900000001/专职安全员；李四/13900000002//X1/2028-01-31") == [
        {
            "name": "张三",
            "mobile": "13900000001",
            "duties": "专职安全员",
            "certificate_number": "",
            "certificate_valid_to": None,
        },
        {
            "name": "李四",
            "mobile": "13900000002",
            "duties": "",
            "certificate_number": "X1",
            "certificate_valid_to": date(2028, 1, 31),
        },
    ]
    assert C.to_managers(None) == [] and C.to_managers("张三\n李四")[1]["name"] == "李四"


@pytest.mark.parametrize(
    "cell, message",
    [
        ("张三/139/a/b/2028/1/1", "第1名安全管理人员"),
        ("张三；/13900000001", "第2名安全管理人员缺少姓名"),
        ("张三//安全员/X1/明年", "证书有效期至"),
        ("张三/13900000001；李四/1390000000a", "第2名安全管理人员的手机"),
        ("张三//x//20280101", "证书编号"),
        ("张/三/1/2/3/4", "多于5项"),
    ],
)
def test_malformed_cells_are_cell_errors_and_nothing_is_written(world, client, cell, message):
    upload(client, world, xlsx([row(**{"安全管理人员": cell})]))
    b = batch()
    assert b.error_count >= 1
    errors = [e for e in b.errors if e[2] == "安全管理人员"]
    assert errors and any(message.replace(" ", "") in e[3].replace(" ", "") for e in errors), (
        b.errors
    )
    confirm(client)
    assert not Enterprise.objects.filter(name="导入测试企业").exists()


def test_an_import_sets_updates_and_clears_the_list(world, client):
    upload(client, world, xlsx([row(**{"安全管理人员": "张三/13900000001；李四"})]))
    confirm(client)
    e = Enterprise.objects.get(name="导入测试企业")
    assert [m.name for m in e.safety_managers.all()] == ["张三", "李四"]
    upload(client, world, xlsx([row(**{"安全管理人员": "李四/13900000002"})]))
    assert batch().updated_count == 1
    confirm(client)
    e.refresh_from_db()
    assert e.version == 2 and managers_of(e) == [("李四", "13900000002", "", "", None)]
    assert SafetyManager.all_objects.filter(enterprise=e, removed_at__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="enterprises.safetymanager.remove").count() == 1
    upload(client, world, xlsx([row()]))
    confirm(client)
    assert managers_of(e) == []


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR])
def test_an_exported_list_imports_back_unchanged(world, client, role):
    world.inside.industry_code = "3311"
    world.inside.save()
    set_managers(world, [ZHANG, LI])
    client.force_login(world.user(role))
    content = client.get("/enterprises/export/").content
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(content))[C.SHEET]
    column = C.HEADERS.index("安全管理人员")
    [cell] = [
        r[column] for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == world.inside.name
    ]
    number = CERT if role in ADMINS else "1101**********002X"
    assert cell == f"张三/13900000001/专职安全员；李四/13900000002//{number}/2028-01-31"
    upload(client, world, content, role=role)
    b = batch()
    assert (b.error_count, b.updated_count) == (0, 0), b.errors
    confirm(client)
    world.inside.refresh_from_db()
    assert world.inside.safety_managers.get(name="李四").certificate_number == CERT


# The data migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_single_manager_into_the_list():
    executor = MigrationExecutor(connection)
    before = [("enterprises", "0006_import_batch")]
    after = [("enterprises", "0007_safety_managers")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Region = old.get_model("orgs", "Region")
    Enterprise_ = old.get_model("enterprises", "Enterprise")
    region = Region.objects.create(code="640104", name="兴庆区", level="county")
    common = {"region": region, "region_code": "640104", "industry_code": "3311"}
    Enterprise_.objects.create(
        name="有", uscc="A1", safety_manager="王五", safety_manager_mobile="13900000009", **common
    )
    Enterprise_.objects.create(name="无", uscc="A2", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = list(
        new.get_model("enterprises", "SafetyManager").objects.values_list(
            "enterprise__name", "name", "mobile"
        )
    )
    assert rows == [("有", "王五", "13900000009")]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_basic_tab_keeps_the_history_of_removed_managers(world, client):
    set_managers(world, [ZHANG, LI])
    set_managers(world, [LI])
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get(f"/enterprises/{world.inside.pk}/?tab=basic").content.decode()
    history = html.split('id="history"')[1]
    assert "移除时间" in history and "张三" in history
    assert "enterprises.safetymanager" not in history  # the change in words, not its code


def test_the_edit_form_masks_certificate_numbers_and_keeps_them_on_save(world, client):
    set_managers(world, [LI])
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    url = f"/enterprises/{world.inside.pk}/edit/"
    page = client.get(url).content.decode()
    assert "1101**********002X" in page and CERT not in page
    world.inside.refresh_from_db()
    shown = {**LI, "certificate_number": "1101**********002X", "certificate_valid_to": "2028-01-31"}
    data = {**edit_data(world.inside, address="新地址"), **managers_data(shown)}
    assert client.post(url, data).status_code == 302
    assert world.inside.safety_managers.get().certificate_number == CERT

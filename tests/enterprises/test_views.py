"""The ledger's pages for every role inside and outside its scope: list, detail tabs,
create/edit with Chinese field errors, the version check, bulk edit, parts, change requests."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import ChangeRequest, Document, Enterprise, SpecialOperator
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.conftest import valid_uscc
from tests.scope import ROLES, assert_refused

ID_NUMBER = "11010519491231002X"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_user(client, world, role):
    client.force_login(world.users[role])
    return client


def names_on(html: str) -> set[str]:
    return set(re.findall(r'href="/enterprises/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_the_enterprises_in_scope(world, client, role):
    response = as_user(client, world, role).get("/enterprises/")
    assert response.status_code == 200
    html = response.content.decode()
    visible = set(Enterprise.objects.for_user(world.users[role]).values_list("name", flat=True))
    assert names_on(html) == visible
    assert ('id="bulk"' in html) == (role in REGULATORS)
    assert ('id="new-enterprise"' in html) == (role in REGULATORS)


def test_the_list_needs_a_sign_in(db, client):
    assert client.get("/enterprises/").status_code == 302


def test_the_list_filters_searches_counts_and_sorts(world, client):
    world.sibling.industry_code = "3110"
    world.sibling.save()
    c = as_user(client, world, Role.CITY_ADMIN)
    html = c.get("/enterprises/").content.decode()
    assert 'data-facet="sector-metallurgy"' in html and 'data-facet="sector-other"' in html
    assert "2 家企业" in html
    assert names_on(c.get("/enterprises/?sector=metallurgy").content.decode()) == {"西夏企业"}
    assert names_on(c.get("/enterprises/?q=xxqy").content.decode()) == {"西夏企业"}
    assert names_on(c.get("/enterprises/?q=园区").content.decode()) == {"园区内企业"}
    html = c.get("/enterprises/?sort=-name").content.decode()
    order = re.findall(r'href="/enterprises/\d+/">([^<]+)</a>', html)
    assert order == sorted(order, reverse=True)
    bad = c.get(f"/enterprises/?region={world.other_county.pk}").content.decode()
    assert names_on(bad) == set()


def test_the_list_paginates(world, client):
    for n in range(30):
        Enterprise.objects.create(
            name=f"分页企业{n:02d}", uscc=valid_uscc("640104", 100 + n), region=world.county
        )
    c = as_user(client, world, Role.COUNTY_ADMIN)
    first = names_on(c.get("/enterprises/").content.decode())
    second = names_on(c.get("/enterprises/?page=2").content.decode())
    assert len(first) == 25 and len(second) == 6 and not first & second


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tab", ["basic", "permits", "personnel", "documents", "history"])
def test_every_tab_of_the_detail_page_for_every_role(world, client, role, tab):
    c = as_user(client, world, role)
    inside = c.get(f"/enterprises/{world.inside.pk}/?tab={tab}")
    outside = c.get(f"/enterprises/{world.outside.pk}/?tab={tab}")
    assert inside.status_code == (404 if role is None else 200)
    assert outside.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)
    if role is not None:
        html = inside.content.decode()
        assert 'id="history"' in html
        assert ('id="edit"' in html) == (role in REGULATORS | ENTERPRISE_STAFF)


def test_tabs_show_the_history_of_their_part(world, client):
    from safeloop.enterprises import services

    admin = world.user(Role.COUNTY_ADMIN)
    services.update_enterprise(
        actor=admin, enterprise=world.inside, data={"address": "新地址"}, expected_version=1
    )
    services.update_enterprise(
        actor=admin,
        enterprise=world.inside,
        data={"liability_policy": "PICC-1"},
        expected_version=2,
    )
    c = as_user(client, world, Role.COUNTY_ADMIN)
    basic = c.get(f"/enterprises/{world.inside.pk}/?tab=basic").content.decode()
    permits = c.get(f"/enterprises/{world.inside.pk}/?tab=permits").content.decode()
    history = c.get(f"/enterprises/{world.inside.pk}/?tab=history").content.decode()
    assert "新地址" in basic and "PICC-1" not in basic.split('id="history"')[1]
    assert "PICC-1" in permits.split('id="history"')[1] and "新地址" not in permits
    assert "新地址" in history and "PICC-1" in history


def managers_data(*entries: dict) -> dict:
    """The safety-manager formset as the page posts it."""
    data = {
        "managers-TOTAL_FORMS": str(len(entries)),
        "managers-INITIAL_FORMS": "0",
        "managers-MIN_NUM_FORMS": "0",
        "managers-MAX_NUM_FORMS": "20",
    }
    for i, entry in enumerate(entries):
        data.update({f"managers-{i}-{k}": v for k, v in entry.items()})
    return data


def form_data(world, **extra):
    data = {
        **managers_data(),
        "name": "页面新建企业",
        "uscc": valid_uscc("640104", 901),
        "region": world.county.pk,
        "industry_code": "3311",
        "scale": "small",
        "employees": "12",
        "status": "operating",
        "standard_grade": "none",
        "injury_insured": "0",
        "safety_body_headcount": "0",
    }
    return {**data, **extra}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create_on_the_page(world, client, role):
    c = as_user(client, world, role)
    page = c.get("/enterprises/new/")
    response = c.post("/enterprises/new/", form_data(world))
    created = Enterprise.objects.filter(name="页面新建企业").exists()
    if role in {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }:
        assert page.status_code == 200 and response.status_code == 302 and created
    elif role in {Role.PARK_OFFICER, Role.GRID_INSPECTOR}:  # the region is outside their unit
        assert response.status_code == 200 and not created
        assert "超出您管辖范围" in response.content.decode() or "选择一个有效的选项" in (
            response.content.decode()
        )
    else:  # the page is for regulators only
        assert response.status_code == 403 and not created


def test_field_errors_appear_in_chinese(world, client):
    c = as_user(client, world, Role.COUNTY_ADMIN)
    response = c.post(
        "/enterprises/new/",
        form_data(
            world,
            uscc="91640104000000001Z",
            principal_mobile="123",
            industry_code="33",
            latitude="38.4",
            employees="-3",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入有效的18位统一社会信用代码" in html
    assert "请输入11位手机号码" in html
    assert "经度和纬度须同时填写或同时留空" in html
    assert "4位" in html
    assert not Enterprise.objects.filter(name="页面新建企业").exists()


def test_a_duplicate_uscc_is_a_chinese_field_error(world, client):
    c = as_user(client, world, Role.COUNTY_ADMIN)
    html = c.post("/enterprises/new/", form_data(world, uscc=world.inside.uscc)).content.decode()
    assert "已存在使用该统一社会信用代码的企业" in html


def edit_data(enterprise, **extra):
    return {
        **managers_data(
            *(
                {"name": m.name, "mobile": m.mobile, "duties": m.duties}
                for m in enterprise.safety_managers.all()
            )
        ),
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "region": enterprise.region_id,
        "park": enterprise.park_id or "",
        "grid": enterprise.grid_id or "",
        "industry_code": enterprise.industry_code,
        "scale": enterprise.scale,
        "employees": enterprise.employees,
        "status": enterprise.status,
        "standard_grade": enterprise.standard_grade,
        "injury_insured": enterprise.injury_insured,
        "safety_body_headcount": enterprise.safety_body_headcount,
        "version": enterprise.version,
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_on_the_page(world, client, role):
    c = as_user(client, world, role)
    response = c.post(
        f"/enterprises/{world.inside.pk}/edit/", edit_data(world.inside, address="页面地址")
    )
    world.inside.refresh_from_db()
    if role in REGULATORS | ENTERPRISE_STAFF:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert world.inside.address == "页面地址" and world.inside.version == 2
    else:
        assert response.status_code == {Role.EXPERT: 403, None: 404}[role]
        assert world.inside.address == ""


def test_enterprise_staff_get_a_form_without_regulated_fields(world, client):
    c = as_user(client, world, Role.SAFETY_MANAGER)
    html = c.get(f"/enterprises/{world.inside.pk}/edit/").content.decode()
    assert 'name="region"' not in html and 'name="industry_code"' not in html
    assert 'name="employees"' in html
    # a forged field is ignored, not applied
    c.post(
        f"/enterprises/{world.inside.pk}/edit/",
        {**edit_data(world.inside, employees=9), "region": world.sibling_county.pk},
    )
    world.inside.refresh_from_db()
    assert world.inside.employees == 9 and world.inside.region == world.county


def test_a_stale_edit_shows_a_conflict_and_keeps_the_newer_record(world, client):
    from safeloop.enterprises import services

    stale = edit_data(world.inside, address="旧页面的地址")
    services.update_enterprise(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        data={"address": "别人刚改的"},
        expected_version=1,
    )
    c = as_user(client, world, Role.SAFETY_MANAGER)
    response = c.post(f"/enterprises/{world.inside.pk}/edit/", stale)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    world.inside.refresh_from_db()
    assert world.inside.address == "别人刚改的"


@pytest.mark.parametrize("role", ROLES)
def test_bulk_edit_is_for_regulators_in_scope(world, client, role):
    c = as_user(client, world, role)
    response = c.post(
        "/enterprises/bulk/",
        {"ids": [world.inside.pk], "action": "grid", "grid": world.grid.pk},
    )
    response = c.post(
        "/enterprises/bulk/", {"ids": [world.inside.pk], "action": "status", "status": "suspended"}
    )
    world.inside.refresh_from_db()
    if role in REGULATORS:
        assert response.status_code == 302
        assert world.inside.status == "suspended"
    else:  # the page is for regulators only
        assert_refused(response)
        assert world.inside.status == "operating"


def test_bulk_edit_of_an_enterprise_outside_the_scope_changes_nothing(world, client):
    c = as_user(client, world, Role.COUNTY_ADMIN)
    response = c.post(
        "/enterprises/bulk/",
        {"ids": [world.inside.pk, world.outside.pk], "action": "status", "status": "closed"},
    )
    assert response.status_code == 404  # one id outside the scope: as if it did not exist
    world.inside.refresh_from_db()
    assert world.inside.status == "operating"


def test_bulk_assigns_a_grid_cell(world, client):
    from safeloop.orgs.models import GridCell

    cell = GridCell.objects.create(
        code="640104-T2", name="第二网格", region=world.county, park=world.park
    )
    c = as_user(client, world, Role.COUNTY_ADMIN)
    c.post("/enterprises/bulk/", {"ids": [world.inside.pk], "action": "grid", "grid": cell.pk})
    world.inside.refresh_from_db()
    assert world.inside.grid == cell


@pytest.mark.parametrize("role", ROLES)
def test_personnel_on_the_page_masks_ids_for_unauthorised_roles(world, client, role):
    c = as_user(client, world, role)
    c.post(
        f"/enterprises/{world.inside.pk}/personnel/",
        {
            "name": "焊工丙",
            "id_number": ID_NUMBER,
            "certificate_type": "welding",
            "certificate_number": "T1",
            "valid_to": str(date.today() + timedelta(days=100)),
        },
    )
    added = SpecialOperator.objects.filter(name="焊工丙").exists()
    assert added == (role in REGULATORS | ENTERPRISE_STAFF)
    if not added:
        SpecialOperator.objects.create(
            enterprise=world.inside,
            name="焊工丙",
            id_number=ID_NUMBER,
            certificate_type="welding",
            certificate_number="T1",
            valid_to=date.today(),
        )
    page = c.get(f"/enterprises/{world.inside.pk}/?tab=personnel")
    if role is None:
        assert page.status_code == 404
        return
    html = page.content.decode()
    assert (ID_NUMBER in html) == (role in ADMINS | ENTERPRISE_STAFF)
    assert "焊工丙" in html


def test_a_bad_operator_shows_a_chinese_error(world, client):
    c = as_user(client, world, Role.SAFETY_MANAGER)
    response = c.post(
        f"/enterprises/{world.inside.pk}/personnel/",
        {
            "name": "某",
            "id_number": "123",
            "certificate_type": "welding",
            "certificate_number": "T",
            "valid_to": "2027-01-01",
        },
        follow=True,
    )
    assert "请输入有效的18位居民身份证号码" in response.content.decode()


def test_licences_are_added_on_the_permits_tab(world, client):
    c = as_user(client, world, Role.PARK_OFFICER)
    c.post(
        f"/enterprises/{world.inside.pk}/licences/",
        {
            "kind": "safety_production",
            "number": "安许-1",
            "authority": "应急管理厅",
            "valid_from": "2025-01-01",
            "valid_to": "2028-01-01",
            "status": "valid",
        },
    )
    html = c.get(f"/enterprises/{world.inside.pk}/?tab=permits").content.decode()
    history = html.split('id="history"')[1]
    assert "安许-1" in html and "新建" in history and "enterprises.licence.create" not in history


def test_documents_are_uploaded_hashed_and_downloaded_in_scope(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = as_user(client, world, Role.SAFETY_MANAGER)
    c.post(
        f"/enterprises/{world.inside.pk}/documents/",
        {
            "kind": "emergency_plan",
            "title": "应急预案",
            "file": SimpleUploadedFile("plan.pdf", PDF),
        },
    )
    doc = Document.objects.get()
    html = c.get(f"/enterprises/{world.inside.pk}/?tab=documents").content.decode()
    assert doc.sha256 in html
    download = c.get(f"/enterprises/{world.inside.pk}/documents/{doc.pk}/")
    assert b"".join(download.streaming_content) == PDF
    other = as_user(client, world, Role.COUNTY_ADMIN)
    assert other.get(f"/enterprises/{world.inside.pk}/documents/{doc.pk}/").status_code == 200
    outsider = make_outsider(world)
    client.force_login(outsider)
    assert client.get(f"/enterprises/{world.inside.pk}/documents/{doc.pk}/").status_code == 404
    c = as_user(client, world, Role.SAFETY_MANAGER)
    response = c.post(
        f"/enterprises/{world.inside.pk}/documents/",
        {"kind": "other", "title": "x", "file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert "请上传 PDF、PNG 或 JPEG 文件" in response.content.decode()


def make_outsider(world):
    from tests.conftest import make_user

    return make_user("other_safety", Role.SAFETY_MANAGER, enterprise=world.sibling)


def test_a_change_request_goes_from_the_enterprise_to_the_regulator(world, client):
    c = as_user(client, world, Role.ENTERPRISE_PRINCIPAL)
    html = c.get(f"/enterprises/{world.inside.pk}/").content.decode()
    assert 'id="request-form"' in html
    c.post(
        f"/enterprises/{world.inside.pk}/requests/",
        {"industry_code": "2671", "reason": "转产民爆"},
    )
    request = ChangeRequest.objects.get()
    # the enterprise cannot decide its own request
    assert (
        c.post(
            f"/enterprises/{world.inside.pk}/requests/{request.pk}/", {"decision": "approve"}
        ).status_code
        == 403
    )
    r = as_user(client, world, Role.COUNTY_INSPECTOR)
    html = r.get(f"/enterprises/{world.inside.pk}/").content.decode()
    assert "转产民爆" in html and 'value="approve"' in html
    r.post(f"/enterprises/{world.inside.pk}/requests/{request.pk}/", {"decision": "approve"})
    world.inside.refresh_from_db()
    assert world.inside.sector == "explosives"
    assert AuditEntry.objects.filter(action="enterprises.changerequest.approve").exists()


def test_the_history_says_who_did_what_in_words_not_audit_codes(world, client):
    from safeloop.core import audit
    from safeloop.enterprises import services

    audit.record("create", world.inside)  # a system job's line: no one signed in
    services.update_enterprise(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        data={"address": "新地址"},
        expected_version=1,
    )
    c = as_user(client, world, Role.SAFETY_MANAGER)
    history = c.get(f"/enterprises/{world.inside.pk}/?tab=history").content.decode()
    lines = history.split('id="history"')[1].split("</ol>")[0]
    assert "enterprises.enterprise" not in lines and "system" not in lines
    assert "系统 新建" in lines and "county_admin 修改" in lines

"""The enterprise record: field validation, sector mapping, soft delete, versions, change
requests, personnel masking and documents."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from pypinyin import Style, lazy_pinyin

from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.enterprises import services
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import (
    Enterprise,
    SectorRule,
    SpecialOperator,
    pinyin_initials,
    sector_for,
)
from safeloop.orgs.roles import Role
from tests.conftest import valid_uscc

ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    "code, sector",
    [
        ("2671", Sector.EXPLOSIVES),
        ("2672", Sector.OTHER),  # fireworks: a separate regime
        ("3110", Sector.METALLURGY),
        ("3216", Sector.NONFERROUS),
        ("3011", Sector.BUILDING_MATERIALS),
        ("3051", Sector.OTHER),  # 305 is excluded from building materials
        ("3072", Sector.BUILDING_MATERIALS),
        ("3074", Sector.OTHER),  # 3073–3079 are excluded
        ("3311", Sector.MACHINERY),
        ("4350", Sector.MACHINERY),
        ("1711", Sector.TEXTILES),
        ("1310", Sector.LIGHT_INDUSTRY),
        ("1610", Sector.TOBACCO),
        ("5111", Sector.COMMERCE),
        ("0111", Sector.OTHER),
        ("", Sector.OTHER),
    ],
)
def test_it_derives_the_sector_from_the_seeded_mapping(db, code, sector):
    assert sector_for(code) == sector


def test_the_mapping_is_editable_data_with_source_and_confidence(world):
    rule = SectorRule.objects.get(code_prefix="2671")
    assert rule.confidence == "confirmed" and "REFERENCE" in rule.source
    assert SectorRule.objects.get(code_prefix="17").confidence == "unconfirmed"
    SectorRule.objects.create(code_prefix="2672", sector=Sector.EXPLOSIVES, confidence="partial")
    assert AuditEntry.objects.filter(action="enterprises.sectorrule.create").exists()
    assert sector_for("2672") == Sector.EXPLOSIVES


def test_it_derives_region_code_sector_and_pinyin_on_save(world):
    e = world.inside
    e.industry_code = "3311"
    e.save()
    e.refresh_from_db()
    assert (e.region_code, e.sector, e.pinyin_initials) == ("640104", "machinery", "yqnqy")
    assert pinyin_initials("宁夏示范冶金有限公司") == "nxsfyjyxgs"


@pytest.mark.parametrize(
    "name",
    ["重庆长安汽车有限公司", "银行大厦2号", "ABC有限公司", "中国石化（宁夏）", "ｆｕｌｌ全角",
     "行长", "乐乐音乐", "", "！？", "〇〇一", "𠀀字", "宁夏 银川 机械 制造"],
)  # fmt: skip
def test_pinyin_initials_word_by_word_equal_lazy_pinyin_of_the_whole_name(name):
    """The initials are converted word by word (and remembered); polyphones read by their
    phrase must come out as pypinyin reads the whole name."""
    whole = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
    assert pinyin_initials(name) == re.sub(r"[^0-9a-z]", "", whole)[:60]


def _valid(world, **overrides):
    data = {
        "name": "新企业",
        "uscc": valid_uscc("640104", 77),
        "region": world.county,
        "industry_code": "3311",
        "scale": "small",
        "status": "operating",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "field, value",
    [
        ("uscc", "91640104000000001"),  # 17 characters
        ("uscc", "916401040000000010"),  # wrong check character
        ("uscc", "91640104000000001o"),  # lower case / letter O
        ("name", ""),
        ("name", "名" * 201),
        ("legal_representative_mobile", "1390000000"),
        ("principal_mobile", "23900000000"),
        ("industry_code", "331"),
        ("industry_code", "33A1"),
        ("scale", "huge"),
        ("status", "sleeping"),
        ("standard_grade", "gold"),
        ("latitude", Decimal("91")),
        ("longitude", Decimal("-181")),
        ("deposit_amount", Decimal("-1")),
        ("employees", -5),
        ("park", "OTHER_PARK"),
        ("grid", "OTHER_GRID"),
        ("safety_body_headcount", 3),
        ("injury_insured", 50),
        ("address", "地" * 201),
        ("liability_policy", "P" * 51),
    ],
)
def test_it_validates_every_field(world, field, value):
    from safeloop.orgs.models import GridCell, Park

    if value == "OTHER_PARK":
        value = Park.objects.create(name="西夏园区", region=world.sibling_county)
    if value == "OTHER_GRID":
        value = GridCell.objects.create(code="X1", name="西夏网格", region=world.sibling_county)
    extra = {"employees": 10} if field == "injury_insured" else {}
    if field == "latitude":
        extra["longitude"] = Decimal("106.2")
    with pytest.raises(ValidationError) as error:
        services.create_enterprise(
            actor=world.user(Role.COUNTY_ADMIN), data=_valid(world, **{field: value}, **extra)
        )
    assert field in error.value.message_dict, error.value.message_dict
    assert not Enterprise.objects.filter(uscc=valid_uscc("640104", 77)).exists()


def test_it_requires_both_coordinates_or_neither(world):
    with pytest.raises(ValidationError) as error:
        services.create_enterprise(
            actor=world.user(Role.COUNTY_ADMIN), data=_valid(world, latitude=Decimal("38.48"))
        )
    assert "longitude" in error.value.message_dict


def test_it_creates_a_complete_record_with_an_audit_entry(world):
    e = services.create_enterprise(
        actor=world.user(Role.COUNTY_ADMIN),
        data=_valid(
            world,
            latitude=Decimal("38.487193"),
            longitude=Decimal("106.230909"),
            park=world.park,
            grid=world.grid,
            dust_explosion=True,
            standard_grade="third",
            standard_expiry=date(2027, 1, 1),
            has_safety_body=True,
            safety_body_headcount=2,
        ),
    )
    assert e.version == 1 and e.sector == "machinery" and e.risk_features == ["dust_explosion"]
    entry = AuditEntry.objects.get(action="enterprises.enterprise.create", object_id=str(e.pk))
    assert entry.region_code == "640104" and entry.actor == world.user(Role.COUNTY_ADMIN)


@pytest.mark.parametrize("role", [*Role, None])
def test_only_regulators_create_and_only_in_their_scope(world, role):
    user = world.users[role]
    data = _valid(world)
    may = role in {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
    if may:
        assert services.create_enterprise(actor=user, data=data).pk
    else:
        with pytest.raises(PermissionDenied):
            services.create_enterprise(actor=user, data=data)
        assert not Enterprise.objects.filter(uscc=data["uscc"]).exists()


def test_uscc_is_unique_among_live_enterprises_only(world):
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(ValidationError) as error:
        services.create_enterprise(actor=admin, data=_valid(world, uscc=world.inside.uscc))
    assert "uscc" in str(error.value) or "__all__" in error.value.message_dict
    services.delete_enterprise(actor=admin, enterprise=world.inside, expected_version=1)
    again = services.create_enterprise(actor=admin, data=_valid(world, uscc=world.inside.uscc))
    assert again.pk != world.inside.pk
    with pytest.raises(IntegrityError):  # the database refuses it too
        Enterprise.objects.bulk_create([Enterprise(name="x", uscc=again.uscc, region=world.county)])


def test_soft_delete_hides_the_record_but_keeps_it(world):
    admin = world.user(Role.COUNTY_ADMIN)
    services.delete_enterprise(actor=admin, enterprise=world.inside, expected_version=1)
    assert not Enterprise.objects.filter(pk=world.inside.pk).exists()
    assert Enterprise.all_objects.get(pk=world.inside.pk).deleted_at
    assert AuditEntry.objects.filter(
        action="enterprises.enterprise.delete", object_id=str(world.inside.pk)
    ).exists()


@pytest.mark.parametrize("role", [Role.COUNTY_INSPECTOR, Role.PARK_OFFICER, Role.SAFETY_MANAGER])
def test_only_admins_delete(world, role):
    with pytest.raises(NotPermitted):
        services.delete_enterprise(
            actor=world.user(role), enterprise=world.inside, expected_version=1
        )
    assert Enterprise.objects.filter(pk=world.inside.pk).exists()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(world):
    admin, manager = world.user(Role.COUNTY_ADMIN), world.user(Role.SAFETY_MANAGER)
    first = services.update_enterprise(
        actor=admin, enterprise=world.inside, data={"address": "一号路"}, expected_version=1
    )
    assert first.version == 2
    with pytest.raises(Conflict) as conflict:
        services.update_enterprise(
            actor=manager, enterprise=world.inside, data={"address": "二号路"}, expected_version=1
        )
    assert "2" in str(conflict.value)  # it tells the version the record has now
    world.inside.refresh_from_db()
    assert world.inside.address == "一号路"


def test_an_unchanged_update_keeps_the_version_and_writes_no_audit(world):
    before = AuditEntry.objects.count()
    e = services.update_enterprise(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        data={"name": world.inside.name},
        expected_version=1,
    )
    assert e.version == 1 and AuditEntry.objects.count() == before


@pytest.mark.parametrize("field", ["region", "park", "grid", "industry_code", "status"])
def test_enterprise_staff_may_not_change_regulated_fields(world, field):
    values = {
        "region": world.sibling_county,
        "park": None,
        "grid": None,
        "industry_code": "2671",
        "status": "closed",
    }
    with pytest.raises(Invalid) as error:
        services.update_enterprise(
            actor=world.user(Role.ENTERPRISE_PRINCIPAL),
            enterprise=world.inside,
            data={field: values[field]},
            expected_version=1,
        )
    assert field in error.value.errors


def test_enterprise_staff_edit_their_own_record(world):
    e = services.update_enterprise(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        data={"employees": 40},
        safety_managers=[{"name": "李四", "mobile": "13900000001"}],
        expected_version=1,
    )
    assert (e.employees, e.version) == (40, 2)
    assert [m.name for m in e.safety_managers.all()] == ["李四"]


def test_enterprise_staff_cannot_touch_another_enterprise(world):
    with pytest.raises(NotFound):
        services.update_enterprise(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise=world.sibling,
            data={"employees": 1},
            expected_version=1,
        )


def test_a_change_request_is_approved_by_a_regulator(world):
    request = services.request_change(
        actor=world.user(Role.ENTERPRISE_PRINCIPAL),
        enterprise=world.inside,
        proposed={"industry_code": "2671"},
        reason="转产",
    )
    with pytest.raises(NotFound):  # experts do not see change requests
        services.decide_change_request(
            actor=world.user(Role.EXPERT), change_request=request, approve=True
        )
    with pytest.raises(NotPermitted):  # they see the record, but may not decide
        services.decide_change_request(
            actor=world.user(Role.SAFETY_MANAGER), change_request=request, approve=True
        )
    services.decide_change_request(
        actor=world.user(Role.COUNTY_INSPECTOR), change_request=request, approve=True
    )
    world.inside.refresh_from_db()
    assert world.inside.sector == Sector.EXPLOSIVES and world.inside.version == 2
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == world.user(Role.COUNTY_INSPECTOR)
    with pytest.raises(IllegalMove):  # decided already: 409
        services.decide_change_request(
            actor=world.user(Role.COUNTY_ADMIN), change_request=request, approve=False
        )


def test_a_refused_change_request_changes_nothing(world):
    request = services.request_change(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        proposed={"status": "closed"},
    )
    services.decide_change_request(
        actor=world.user(Role.PARK_OFFICER), change_request=request, approve=False, note="不符"
    )
    world.inside.refresh_from_db()
    assert world.inside.status == "operating"


def test_a_change_request_is_validated_when_filed(world):
    with pytest.raises(Invalid) as error:
        services.request_change(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise=world.inside,
            proposed={"name": "改名"},
        )
    assert "name" in error.value.errors
    with pytest.raises(Invalid):
        services.request_change(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise=world.inside,
            proposed={"industry_code": "abc"},
        )


def test_bulk_edit_is_all_or_nothing(world):
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(NotFound):  # the sibling county's enterprise is outside their scope
        services.bulk_update(
            actor=admin,
            enterprise_ids=[world.inside.pk, world.sibling.pk],
            data={"status": "closed"},
        )
    world.inside.refresh_from_db()
    assert world.inside.status == "operating"
    city = world.user(Role.CITY_ADMIN)
    n = services.bulk_update(
        actor=city, enterprise_ids=[world.inside.pk, world.sibling.pk], data={"status": "closed"}
    )
    assert n == 2
    assert AuditEntry.objects.filter(action="enterprises.enterprise.bulk_update").count() == 2
    with pytest.raises(Invalid):
        services.bulk_update(actor=city, enterprise_ids=[world.inside.pk], data={"name": "x"})
    with pytest.raises(NotPermitted):
        services.bulk_update(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise_ids=[world.inside.pk],
            data={"status": "operating"},
        )


def test_personnel_id_numbers_are_validated_and_masked_in_the_audit_log(world):
    with pytest.raises(ValidationError):
        SpecialOperator(
            enterprise=world.inside,
            name="王五",
            id_number="110105194912310021",
            certificate_type="welding",
            certificate_number="T1",
            valid_to=date(2027, 1, 1),
        ).full_clean()
    op = SpecialOperator.objects.create(
        enterprise=world.inside,
        name="王五",
        id_number=ID_NUMBER,
        certificate_type="welding",
        certificate_number="T1",
        valid_to=date(2027, 1, 1),
    )
    assert op.masked_id_number == "1101**********002X"
    entry = AuditEntry.objects.get(action="enterprises.specialoperator.create")
    assert entry.changes["id_number"] == ["***", "***"]
    assert ID_NUMBER not in str(entry.changes)


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_document_records_its_hash_type_and_size(world, settings, tmp_path):
    import hashlib

    settings.MEDIA_ROOT = tmp_path
    doc = services.add_document(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        kind="licence_scan",
        title="许可证扫描件",
        upload=SimpleUploadedFile("许可证.pdf", PDF, content_type="application/pdf"),
    )
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (doc.size, doc.content_type, doc.original_name) == (
        len(PDF),
        "application/pdf",
        "许可证.pdf",
    )
    assert doc.file.read() == PDF


@pytest.mark.parametrize(
    "name, content, size",
    [
        ("evil.exe", b"MZ\x90\x00", None),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", None),
        ("scan.png", b"%PDF-1.4", None),
        ("big.pdf", PDF, 10 * 1024 * 1024 + 1),
    ],
)
def test_documents_outside_the_limits_are_refused(world, settings, tmp_path, name, content, size):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content)
    if size:
        upload.size = size
    with pytest.raises(Invalid) as error:
        services.add_document(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise=world.inside,
            kind="other",
            title="x",
            upload=upload,
        )
    assert "file" in error.value.errors
    assert not list(tmp_path.iterdir())


def test_experts_may_not_attach_documents(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(NotPermitted):
        services.add_document(
            actor=world.user(Role.EXPERT),
            enterprise=world.inside,
            kind="other",
            title="x",
            upload=SimpleUploadedFile("a.pdf", PDF),
        )


def test_the_admin_lists_and_edits_sector_rules(world, client):
    from tests.conftest import make_user

    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/enterprises/sectorrule/?confidence__exact=unconfirmed")
    assert page.status_code == 200 and "1711" not in page.content.decode()
    rule = SectorRule.objects.get(code_prefix="16")
    response = client.post(
        f"/admin/enterprises/sectorrule/{rule.pk}/change/",
        {
            "edition": rule.edition,
            "code_prefix": "16",
            "sector": "tobacco",
            "source": "烟草专卖条例核对",
            "confidence": "confirmed",
            "note": "",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.confidence == "confirmed"
    assert AuditEntry.objects.filter(action="enterprises.sectorrule.update").exists()


@pytest.mark.parametrize(
    "number, ok",
    [
        ("11010519491231002X", True),
        ("640104197001010000", True),  # 兴庆区: a place python-stdnum does not list
        ("640104197001010007", False),  # wrong check digit
        ("640104197013010000", False),  # month 13
        ("64010419700101000", False),
        ("6401041970010100a6", False),
    ],
)
def test_id_numbers_are_checked_by_date_and_check_digit(number, ok):
    from safeloop.enterprises.models import validate_id_number

    if ok:
        validate_id_number(number)
    else:
        with pytest.raises(ValidationError):
            validate_id_number(number)


def test_a_uscc_typed_in_lower_case_or_full_width_is_normalised():
    from stdnum.cn import uscc

    from safeloop.enterprises.models import normalise_uscc

    code = "91640100" + "MA76" + "5T3X0"  # shape only; the check digit is completed below
    code = code[:17] + uscc.calc_check_digit(code[:17])
    typed = code.lower().translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"}
    )
    assert normalise_uscc(" " + typed[:6] + "-" + typed[6:] + " ") == code

"""Custom checklists: an enterprise's staff keep their enterprise's, planners keep their
department's; official ones are read-only; nothing is deleted and a visit that used an item
keeps it, wording and all, after the item is edited or the checklist retired."""

import pytest
from django.urls import reverse

from safeloop.core.errors import Conflict, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import checklist_services as cs
from safeloop.inspections.choices import ChecklistKind, Outcome
from safeloop.inspections.models import Checklist, ChecklistItem, VisitResult
from safeloop.inspections.selectors import applicable_checklists, visit_items
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ENTERPRISE_STAFF, Role
from tests.inspections.test_views import PLANNERS, as_
from tests.inspections.test_visits import answers, submit
from tests.scope import ROLES, assert_refused, assert_status

# planners keep their department's checklists
DEPARTMENT_KEEPERS = PLANNERS


@pytest.fixture
def department(world):
    """The county department; every world user belongs to it (the test decides whose role
    lets them keep its checklists)."""
    department = Department.objects.create(
        name="兴庆区应急管理局", kind="county_department", region=world.county
    )
    for user in world.users.values():
        user.department = department
        user.save()
    return department


@pytest.fixture
def own(world):
    """A custom checklist of the enterprise `inside`, with one item."""
    checklist = cs.create_checklist(
        actor=world.user(Role.SAFETY_MANAGER), name="本企业自查表", enterprise=world.inside
    )
    cs.add_item(
        checklist=checklist,
        actor=world.user(Role.SAFETY_MANAGER),
        version=checklist.version,
        text="消防通道保持畅通",
        basis="消防法",
        clause="第二十八条",
        category="1",
        order=1,
    )
    checklist.refresh_from_db()
    return checklist


def item_post(**kw):
    data = {"text": "配电柜前不得堆物", "basis": "安全生产法", "clause": "第四十一条",
            "category": "3", "order": "2"}  # fmt: skip
    data.update(kw)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_enterprise_staff_keep_its_checklist(client, world, department, role):
    as_(client, world, role)
    response = client.post(reverse("inspection-checklist-new"), {"name": "自查表", "owner": ""})
    may_create = role in ENTERPRISE_STAFF or role in DEPARTMENT_KEEPERS
    assert response.status_code == (400 if may_create else 403)
    if role in ENTERPRISE_STAFF:
        owner = f"enterprise:{world.inside.pk}"
    elif role in DEPARTMENT_KEEPERS:
        owner = f"department:{department.pk}"
    else:
        return
    response = client.post(
        reverse("inspection-checklist-new"),
        {"name": "自查表", "owner": owner, "applies_to": "feature:dust_explosion"},
    )
    assert response.status_code == 302
    checklist = Checklist.objects.get(name="自查表")
    assert checklist.kind == ChecklistKind.CUSTOM
    if role in ENTERPRISE_STAFF:
        assert checklist.enterprise == world.inside and not checklist.rules.exists()
    else:
        assert checklist.department == department
        assert checklist.rules.get().feature == "dust_explosion"
    response = client.post(
        reverse("inspection-item-new", args=[checklist.pk]), item_post(version=checklist.version)
    )
    assert response.status_code == 302
    item = checklist.items.get()
    assert not item.is_major and item.criterion is None and item.category == "3"
    assert AuditEntry.objects.filter(object_id=str(item.pk)).exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_and_guards_an_enterprise_checklist_by_scope(client, world, department, own, role):
    as_(client, world, role)
    listing = client.get(reverse("inspection-checklists"))
    assert listing.status_code == 200
    detail = client.get(reverse("inspection-checklist", args=[own.pk]))
    # region grants and the enterprise's own people (a checklist has no park or grid path)
    sees = role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR, Role.COUNTY_ADMIN,
                    Role.COUNTY_INSPECTOR, *ENTERPRISE_STAFF, Role.EXPERT}  # fmt: skip
    assert (own.name in listing.content.decode()) == sees
    assert detail.status_code == (200 if sees else 404)
    item = own.items.get()
    edit = client.post(
        reverse("inspection-item-edit", args=[item.pk]), item_post(version=own.version)
    )
    retire = client.post(
        reverse("inspection-checklist-retire", args=[own.pk]),
        {"reason": "停用", "version": own.version},
    )
    if role in ENTERPRISE_STAFF:
        assert edit.status_code == 302
        assert retire.status_code == 409  # the edit moved the version on
    else:
        # regulators read an enterprise's checklist but never change it
        assert edit.status_code == (403 if sees else 404)
        assert retire.status_code == (403 if sees else 404)
        item.refresh_from_db()
        assert item.text == "消防通道保持畅通"


def test_a_department_checklist_is_kept_only_by_its_own_department(world, department):
    other = Department.objects.create(name="西夏区应急管理局", kind="county_department",
                                      region=world.sibling_county)  # fmt: skip
    checklist = cs.create_checklist(
        actor=world.user(Role.COUNTY_INSPECTOR), name="兴庆区专项检查表", department=department
    )
    with pytest.raises(NotPermitted):
        cs.create_checklist(actor=world.user(Role.COUNTY_INSPECTOR), name="x", department=other)
    stranger = world.user(Role.CITY_INSPECTOR)
    stranger.department = other
    stranger.save()
    with pytest.raises(NotPermitted):
        cs.update_checklist(checklist=checklist, actor=stranger, version=None, name="改名")
    with pytest.raises(NotPermitted):  # a grid inspector does not plan inspections
        cs.create_checklist(actor=world.user(Role.GRID_INSPECTOR), name="x", department=department)


@pytest.mark.parametrize("role", ROLES)
def test_official_checklists_are_read_only_here(client, world, department, role):
    official = Checklist.objects.filter(kind=ChecklistKind.OFFICIAL).first()
    as_(client, world, role)
    # shared checklists are everyone's to read
    assert client.get(reverse("inspection-checklist", args=[official.pk])).status_code == 200
    response = client.post(
        reverse("inspection-checklist-edit", args=[official.pk]),
        {"name": "改名", "version": official.version},
    )
    assert_refused(response)
    with pytest.raises(NotPermitted):
        cs.retire_checklist(checklist=official, actor=world.user(Role.SYSTEM_ADMIN),
                            version=None, reason="不用")  # fmt: skip
    official.refresh_from_db()
    assert official.active and official.name != "改名"


@pytest.mark.parametrize(
    "data, field",
    [
        (item_post(text=""), "text"),
        (item_post(text="<script>alert(1)</script>" * 200), "text"),
        (item_post(category="99"), "category"),
        (item_post(order="abc"), "order"),
        (item_post(order="-1"), "order"),
        (item_post(basis="法" * 201), "basis"),
    ],
)
def test_bad_item_input_is_a_chinese_field_error_and_changes_nothing(
    client, world, own, data, field
):
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    data["version"] = own.version
    response = client.post(
        reverse("inspection-item-new", args=[own.pk]), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in errors)
    assert own.items.count() == 1


def test_a_service_refusal_is_a_chinese_field_error(client, world, own):
    """A name of spaces only is refused on the field, in Chinese."""
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    response = client.post(
        reverse("inspection-checklist-edit", args=[own.pk]),
        {"name": "   ", "version": own.version},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "必填" in response.context["form"].errors["name"][0]


def test_a_stale_version_is_a_conflict(client, world, own):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.post(
        reverse("inspection-checklist-edit", args=[own.pk]),
        {"name": "新名称", "version": own.version - 1},
    )
    assert response.status_code == 409
    with pytest.raises(Conflict):
        cs.add_item(checklist=own, actor=world.user(Role.SAFETY_MANAGER), version=own.version - 1,
                    text="x", basis="", clause="", category="1", order=0)  # fmt: skip
    own.refresh_from_db()
    assert own.name == "本企业自查表"


def test_custom_checklists_apply_to_their_owner_only(world, department, own):
    county = cs.create_checklist(
        actor=world.user(Role.COUNTY_ADMIN), name="兴庆区通用", department=department
    )
    city_department = Department.objects.create(name="银川市应急管理局", kind="city_bureau",
                                                region=world.city)  # fmt: skip
    city_admin = world.user(Role.CITY_ADMIN)
    city_admin.department = city_department
    city_admin.save()
    city = cs.create_checklist(
        actor=city_admin, name="银川市液氨", department=city_department,
        rule={"feature": "ammonia_refrigeration"},
    )  # fmt: skip
    inside = set(applicable_checklists(world.inside))
    assert own in inside and county in inside and city not in inside
    world.inside.ammonia_refrigeration = True
    assert city in set(applicable_checklists(world.inside))
    sibling = set(applicable_checklists(world.sibling))
    assert own not in sibling and county not in sibling


def test_retiring_and_editing_keep_old_visit_records_readable(client, world, own, visit):
    manager = world.user(Role.SAFETY_MANAGER)
    item = own.items.get()
    assert any(c == own for c, _items in visit_items(visit))
    inspector = world.user(Role.GRID_INSPECTOR)
    rows = [{**row, "outcome": Outcome.PASS} for row in answers(visit)]
    submit(visit, inspector, rows)
    result = VisitResult.objects.get(visit=visit, checklist_item=item)

    own.refresh_from_db()
    successor = cs.edit_item(item=item, actor=manager, version=own.version,
                             text="疏散通道、安全出口保持畅通", basis="消防法",
                             clause="第二十八条", category="1", order=1)  # fmt: skip
    assert successor.pk != item.pk  # cited: retired and replaced, not rewritten
    item.refresh_from_db()
    assert not item.active and item.text == "消防通道保持畅通"
    own.refresh_from_db()
    cs.retire_checklist(checklist=own, actor=manager, version=own.version, reason="改用新表")
    assert own not in set(applicable_checklists(world.inside))
    assert ChecklistItem.objects.filter(pk=item.pk).exists()

    result.refresh_from_db()
    assert result.checklist_item_id == item.pk and result.item_text == "消防通道保持畅通"
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get(reverse("inspection-visit", args=[visit.pk]))
    assert page.status_code == 200 and "消防通道保持畅通" in page.content.decode()
    client.force_login(manager)
    page = client.get(reverse("inspection-checklist", args=[own.pk]))
    assert page.status_code == 200 and "消防通道保持畅通" in page.content.decode()
    response = client.post(
        reverse("inspection-item-new", args=[own.pk]), item_post(version=own.version)
    )
    assert response.status_code == 403  # retired: no longer kept


def test_an_uncited_item_is_edited_in_place_and_retired_items_leave_visits(world, own, visit):
    manager = world.user(Role.SAFETY_MANAGER)
    item = own.items.get()
    same = cs.edit_item(item=item, actor=manager, version=own.version, text="消防通道畅通",
                        basis="", clause="", category="1", order=0)  # fmt: skip
    assert same.pk == item.pk and same.text == "消防通道畅通"
    own.refresh_from_db()
    cs.retire_item(item=item, actor=manager, version=own.version)
    assert all(c != own for c, _items in visit_items(visit))  # no active items left


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_custom_checklists_by_the_same_rules(api, world, department, role):
    api.as_user(world.user(role) if role else world.users[None])
    body = {"name": "接口自查表", "enterprise": world.inside.pk}
    response = api.post("/api/v1/inspection-checklists/", body)
    if role not in ENTERPRISE_STAFF:
        # an enterprise outside the user's scope is no valid choice (400); one they see but
        # do not keep is refused (403)
        user = world.user(role) if role else world.users[None]
        sees = Enterprise.objects.for_user(user).filter(pk=world.inside.pk).exists()
        assert_status(response, 403 if sees else 400)
        assert not Checklist.objects.filter(name="接口自查表").exists()
        return
    assert response.status_code == 201, response.content
    checklist = response.json()
    url = f"/api/v1/inspection-checklists/{checklist['id']}/"
    item = api.post(url + "items/", {"text": "灭火器在有效期内", "category": "1",
                                     "version": checklist["version"]})  # fmt: skip
    assert item.status_code == 201 and item.json()["is_major"] is False
    bad = api.post(url + "items/", {"text": "", "category": "99", "version": 2})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"text", "category"}
    stale = api.post(url + "retire/", {"reason": "停用", "version": 1})
    assert stale.status_code == 409
    change = {"text": "灭火器压力正常", "category": "1", "version": 2}
    edited = api.post(url + f"items/{item.json()['id']}/", change)
    assert edited.status_code == 200 and edited.json()["text"] == "灭火器压力正常"
    retired = api.post(url + "retire/", {"reason": "停用", "version": 3})
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert api.get(url).json()["active"] is False  # still readable


def test_the_api_refuses_changes_to_official_checklists(api, world):
    official = Checklist.objects.filter(kind=ChecklistKind.OFFICIAL).first()
    api.as_user(world.user(Role.SYSTEM_ADMIN))
    url = f"/api/v1/inspection-checklists/{official.pk}/"
    assert api.post(url + "edit/", {"name": "改名"}).status_code == 403
    assert api.post(url + "items/", {"text": "x", "category": "1"}).status_code == 403


@pytest.mark.parametrize("applies_to", ["bogus", "feature:", "feature:no_such_flag", "sector:x"])
def test_a_bad_applicability_is_a_field_error(api, world, department, applies_to):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    body = {"name": "坏规则", "department": department.pk, "applies_to": applies_to}
    response = api.post("/api/v1/inspection-checklists/", body)
    assert response.status_code == 400
    assert "applies_to" in response.json()["error"]["fields"]
    assert not Checklist.objects.filter(name="坏规则").exists()


def test_a_failed_custom_item_in_a_self_inspection_is_a_general_hazard(world, own):
    from datetime import date

    from safeloop.hazards.models import Hazard
    from safeloop.inspections import services
    from safeloop.inspections.choices import PlanKind

    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    plan = services.create_plan(actor=principal, title="本企业月度自查", kind=PlanKind.SELF,
                                enterprise=world.inside, period_start=date(2026, 11, 1),
                                period_end=date(2026, 11, 30))  # fmt: skip
    services.assign(plan=plan, actor=principal)
    visit = plan.visits.get()
    item = own.items.get()
    assert item in [i for c, items in visit_items(visit) if c == own for i in items]
    submit(visit, principal, answers(visit, fail={item.pk}))
    hazard = Hazard.objects.get()
    assert hazard.level == "general" and hazard.description == item.text
    assert hazard.criterion == "消防法 第二十八条"

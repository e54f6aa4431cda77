"""The hazard screens for every role inside and outside its scope: the list with its saved
views, filters and export, the detail page with only the allowed moves, the moves made
through the forms (field errors in Chinese, the version check), and registration."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.photos import photo
from tests.scope import ROLES, assert_hidden, assert_refused

TODAY = timezone.localdate


def hazard_on(enterprise, **fields):
    values = {
        "state": State.RECTIFYING,
        "level": Level.GENERAL,
        "source": "1",
        "category": "1",
        "place": f"{enterprise.name}车间",
        "description": "防护罩缺失",
        "deadline": TODAY() + timedelta(days=30),
        **fields,
    }
    return Hazard.objects.create(enterprise=enterprise, **values)


def as_user(client, world, role):
    """Signed in as the role's user; `None` is the signed-in user without any role."""
    client.force_login(world.users[role])
    return client


def ids_on(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-hazard="(\d+)"', html)}


def moves_on(html: str) -> list[str]:
    return re.findall(r'data-move="(\w+)"', html)


@pytest.fixture
def three(world):
    """One hazard in each enterprise: inside, sibling county, other city."""
    return {
        "inside": hazard_on(world.inside),
        "sibling": hazard_on(world.sibling),
        "outside": hazard_on(world.outside),
    }


# ---------------------------------------------------------------- list
@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_hazards_in_scope(world, three, client, role):
    response = as_user(client, world, role).get("/hazards/")
    assert response.status_code == 200
    visible = set(Hazard.objects.for_user(world.users[role]).values_list("pk", flat=True))
    assert ids_on(response.content.decode()) == visible
    assert (three["inside"].pk in visible) is (role is not None)
    assert (three["outside"].pk in visible) is (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize(
    "url",
    [
        "/hazards/",
        "/hazards/export.xlsx",
        "/hazards/{pk}/",
        "/hazards/new/",
        "/hazards/inbox/",
        "/hazards/statistics/",
        "/hazards/statistics/region.xlsx",
    ],
)
def test_the_screens_need_a_sign_in(world, three, client, url):
    response = client.get(url.format(pk=three["inside"].pk))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(f"/hazards/{three['inside'].pk}/move/void/", {"void-reason": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Hazard.objects.get(pk=three["inside"].pk).state == State.RECTIFYING


def test_the_list_filters_and_counts(world, client):
    late = hazard_on(world.inside, deadline=TODAY() - timedelta(days=3), level=Level.MAJOR)
    closed = hazard_on(world.inside, state=State.CLOSED, source="2")
    sibling = hazard_on(world.sibling, category="3")
    c = as_user(client, world, Role.CITY_ADMIN)

    def ids(query):
        response = c.get(f"/hazards/?{query}")
        assert response.status_code == 200
        return ids_on(response.content.decode())

    assert ids("") == {late.pk, closed.pk, sibling.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("level=major") == {late.pk}
    assert ids("state=closed") == {closed.pk}
    assert ids("state=closed&state=rectifying") == {late.pk, closed.pk, sibling.pk}
    assert ids("source=2") == {closed.pk}
    assert ids("category=3") == {sibling.pk}
    assert ids("region=640105") == {sibling.pk}
    assert ids("region=640100") == {late.pk, closed.pk, sibling.pk}  # a city: all below
    assert ids(f"park={world.park.pk}") == {late.pk, closed.pk}
    assert ids("sector=other") == {late.pk, closed.pk, sibling.pk}
    assert ids("sector=metallurgy") == set()
    assert ids(f"deadline_to={TODAY().isoformat()}") == {late.pk}
    assert ids(f"deadline_from={TODAY().isoformat()}") == {closed.pk, sibling.pk}
    # a region outside the user's scope is no choice at all: nothing, and a field error
    html = c.get("/hazards/?region=640202").content.decode()
    assert ids_on(html) == set() and "errorlist" in html
    html = c.get("/hazards/").content.decode()
    assert "3 条隐患" in html
    assert 'data-count="closed">已销号 <span class="n">1</span>' in html


def test_the_list_pages(world, client):
    for i in range(30):
        hazard_on(world.inside, place=f"点{i}")
    c = as_user(client, world, Role.COUNTY_ADMIN)
    first = ids_on(c.get("/hazards/").content.decode())
    second = ids_on(c.get("/hazards/?page=2").content.decode())
    assert len(first) == 25 and len(second) == 5 and not first & second


def test_saved_views_for_the_daily_work(world, make_hazard, client):
    rectifying = make_hazard()
    awaiting = make_hazard(state=State.AWAITING)  # submitted by the safety manager
    reported, _ = services.report(enterprise=world.inside, place="东门", description="占道")
    late = make_hazard(deadline=TODAY() - timedelta(days=1))
    make_hazard(state=State.CLOSED)

    def view(role, name):
        client.force_login(world.user(role))
        return ids_on(client.get(f"/hazards/?view={name}").content.decode())

    # the principal accepts the self-found general one the safety manager submitted
    assert view(Role.ENTERPRISE_PRINCIPAL, "acceptance") == {awaiting.pk}
    assert view(Role.SAFETY_MANAGER, "acceptance") == set()  # never one's own submission
    assert view(Role.SAFETY_MANAGER, "todo") == {rectifying.pk, reported.pk, late.pk}
    assert view(Role.ENTERPRISE_PRINCIPAL, "todo") == {
        rectifying.pk,
        reported.pk,
        late.pk,
        awaiting.pk,
    }
    assert view(Role.COUNTY_INSPECTOR, "todo") == {reported.pk}
    assert view(Role.COUNTY_INSPECTOR, "acceptance") == set()
    assert view(Role.EXPERT, "todo") == set()
    assert view(Role.GRID_INSPECTOR, "overdue") == {late.pk}
    assert view(Role.CITY_ADMIN, "overdue") == {late.pk}


def test_the_overdue_view_lists_the_longest_overdue_first(world, make_hazard, client):
    days = [3, 30, 1, 10]
    made = {d: make_hazard(deadline=TODAY() - timedelta(days=d)) for d in days}
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/hazards/?view=overdue").content.decode()
    shown = [int(pk) for pk in re.findall(r'data-hazard="(\d+)"', html)]
    assert shown == [made[d].pk for d in sorted(days, reverse=True)]


@pytest.mark.parametrize("role", ROLES)
def test_awaiting_my_acceptance_is_what_the_user_may_accept(world, make_hazard, client, role):
    hazards = [
        make_hazard(state=State.AWAITING),
        make_hazard(state=State.AWAITING, by_regulator=True),
        make_hazard(state=State.AWAITING, level=Level.MAJOR),
        make_hazard(state=State.AWAITING, level=Level.MAJOR, listed=False),
        hazard_on(world.sibling, state=State.AWAITING, found_by_regulator=True),
    ]
    user = world.users[role]
    expected = {h.pk for h in hazards if "accept" in services.allowed_moves(h, user)}
    assert expected or role not in {Role.ENTERPRISE_PRINCIPAL, Role.COUNTY_ADMIN}
    client.force_login(user)
    assert ids_on(client.get("/hazards/?view=acceptance").content.decode()) == expected


def test_regulators_see_listing_and_extension_decisions_in_their_to_do(world, make_hazard, client):
    unlisted = make_hazard(level=Level.MAJOR, listed=False)
    extension = make_hazard(extension=True)
    major_extension = make_hazard(level=Level.MAJOR, extension=True)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    todo = ids_on(client.get("/hazards/?view=todo").content.decode())
    assert todo == {unlisted.pk, extension.pk, major_extension.pk}
    client.force_login(world.user(Role.GRID_INSPECTOR))
    assert ids_on(client.get("/hazards/?view=todo").content.decode()) == {extension.pk}


# ---------------------------------------------------------------- export
def test_the_export_is_the_filtered_list_and_cannot_run_formulas(world, client):
    hazard_on(world.inside, description='=HYPERLINK("http://evil","x")', place="+1")
    hazard_on(world.inside, description="@SUM(A1)", place="-2", level=Level.MAJOR)
    hazard_on(world.sibling, description="普通")
    c = as_user(client, world, Role.COUNTY_ADMIN)
    response = c.get("/hazards/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][0] == "编号" and len(rows) == 3  # the county's two, not the sibling's
    cells = [cell for row in rows[1:] for cell in row if isinstance(cell, str)]
    assert '\'=HYPERLINK("http://evil","x")' in cells and "'@SUM(A1)" in cells
    assert "'+1" in cells and "'-2" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    filtered = c.get("/hazards/export.xlsx?level=major")
    assert len(list(load_workbook(BytesIO(filtered.content)).active.values)) == 2


@pytest.mark.parametrize("role", ROLES)
def test_each_role_exports_only_its_scope(world, three, client, role):
    response = as_user(client, world, role).get("/hazards/export.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.values)[1:]
    expected = set(Hazard.objects.for_user(world.users[role]).values_list("number", flat=True))
    assert {row[0] for row in rows} == expected


# ---------------------------------------------------------------- detail
@pytest.mark.parametrize("role", ROLES)
def test_the_detail_page_is_for_the_scope_and_shows_only_allowed_moves(world, three, client, role):
    c = as_user(client, world, role)
    for key, hazard in three.items():
        response = c.get(f"/hazards/{hazard.pk}/")
        user = world.users[role]
        visible = Hazard.objects.for_user(user).filter(pk=hazard.pk).exists()
        assert response.status_code == (200 if visible else 404), key
        if visible:
            shown = moves_on(response.content.decode())
            assert set(shown) <= set(services.allowed_moves(hazard, user))
    if role is None:
        return
    shown = set(moves_on(c.get(f"/hazards/{three['inside'].pk}/").content.decode()))
    expected = {
        Role.ENTERPRISE_PRINCIPAL: {"plan", "submit", "request_extension"},
        Role.SAFETY_MANAGER: {"plan", "submit", "request_extension"},
        Role.EXPERT: set(),
    }.get(role, {"void"})
    assert shown == expected


def test_the_detail_page_shows_the_record_plan_listing_and_timeline(world, make_hazard, client):
    hazard = make_hazard(level=Level.MAJOR, extension=True)
    HazardEvent.objects.create(
        hazard=hazard,
        actor=world.user(Role.COUNTY_ADMIN),
        move="list",
        to_state="rectifying",
        from_state="rectifying",
        note="兴庆区工信局督〔2026〕第1号",
    )
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    for text in [
        "冲压车间",
        "防护罩缺失",
        "更换防护罩",
        "消除隐患",
        "设备到货延迟",
        "兴庆区工信局",
    ]:
        assert text in html
    assert 'id="listing"' in html and 'data-event="list"' in html
    assert set(moves_on(html)) == {"decide_extension", "void"}


# ---------------------------------------------------------------- moves
def post_move(client, hazard, move, **data):
    version = data.pop("version", Hazard.objects.get(pk=hazard.pk).version)
    fields = {f"{move}-{k}": v for k, v in data.items()}
    return client.post(f"/hazards/{hazard.pk}/move/{move}/", {f"{move}-version": version, **fields})


def test_the_loop_through_the_forms(world, departments, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.get("/hazards/new/")
    token = re.search(r'name="token" value="(\w+)"', response.content.decode()).group(1)
    response = client.post(
        "/hazards/new/",
        {
            "token": token,
            "move": "register",
            "enterprise": world.inside.pk,
            "level": "general",
            "source": "1",
            "category": "3",
            "place": "配电房",
            "description": "电缆裸露",
            "deadline_working_days": 10,
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    assert hazard.state == State.RECTIFYING and hazard.deadline > TODAY()
    plan = {
        "measures": "穿管保护",
        "funds_budgeted": "800.00",
        "responsible_person": "李四",
        "emergency_measures": "设置警示",
    }
    assert post_move(client, hazard, "plan", **plan).status_code == 302
    assert (
        post_move(
            client, hazard, "submit", evidence="已穿管", funds_spent="650", photos=photo()
        ).status_code
        == 302
    )
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING and hazard.submitted_by == world.user(Role.SAFETY_MANAGER)
    # the submitter is offered no acceptance; the principal is
    assert moves_on(client.get(f"/hazards/{hazard.pk}/").content.decode()) == []
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    assert set(moves_on(client.get(f"/hazards/{hazard.pk}/").content.decode())) == {
        "accept",
        "return",
    }
    assert post_move(client, hazard, "return", reason="未穿到底").status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and hazard.returns_count == 1
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert (
        post_move(client, hazard, "submit", evidence="已全部穿管", photos=photo()).status_code
        == 302
    )
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    response = post_move(client, hazard, "accept", opinion="合格")
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED and hazard.accepted_by == world.user(
        Role.ENTERPRISE_PRINCIPAL
    )
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    events = re.findall(r'data-event="(\w+)"', html)
    assert events == ["register", "plan", "submit", "return", "submit", "accept"]
    assert moves_on(html) == []


def test_a_report_is_confirmed_or_rejected_by_a_regulator(world, client):
    reported, _ = services.report(enterprise=world.inside, place="东门", description="占道")
    client.force_login(world.user(Role.GRID_INSPECTOR))
    html = client.get(f"/hazards/{reported.pk}/").content.decode()
    assert set(moves_on(html)) == {"confirm", "reject", "void"}
    later = (TODAY() + timedelta(days=7)).isoformat()
    assert (
        post_move(client, reported, "confirm", level="general", deadline=later).status_code == 302
    )
    reported.refresh_from_db()
    assert reported.state == State.RECTIFYING and reported.deadline.isoformat() == later


def test_listing_and_a_major_acceptance(world, make_hazard, client):
    hazard = make_hazard(level=Level.MAJOR, listed=False)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    later = (TODAY() + timedelta(days=40)).isoformat()
    assert post_move(client, hazard, "list", deadline=later).status_code == 302
    assert hazard.listing.department.name == "兴庆区工信局"
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert post_move(client, hazard, "submit", evidence="已整改", photos=photo()).status_code == 302
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = post_move(client, hazard, "accept", opinion="合格")
    assert response.status_code == 400
    assert "重大事故隐患需要专家或评估报告" in response.content.decode()
    response = post_move(client, hazard, "accept", opinion="合格", expert_report="专家组意见")
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED and hazard.listing.delisted_at == TODAY()


@pytest.mark.parametrize(
    ("move", "data", "field", "message"),
    [
        ("reject", {"reason": ""}, "reason", "该字段是必填项。"),
        ("confirm", {"level": "general"}, "deadline", "每个隐患都必须有整改期限。"),
        (
            "confirm",
            {"level": "general", "deadline": "2020-01-01"},
            "deadline",
            "整改期限不能早于今天。",
        ),
        ("confirm", {"level": "general", "deadline": "明天"}, "deadline", "输入一个有效的日期。"),
    ],
)
def test_bad_input_gets_a_chinese_field_error_and_changes_nothing(
    world, client, move, data, field, message
):
    reported, _ = services.report(enterprise=world.inside, place="东门", description="占道")
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = post_move(client, reported, move, **data)
    assert response.status_code == 400
    html = response.content.decode()
    block = re.search(rf'data-field="{field}".*?</div>', html, re.S).group(0)
    assert message in block
    assert Hazard.objects.get(pk=reported.pk).version == reported.version
    assert f'data-move="{move}" open' in html


def test_an_incomplete_plan_blocks_the_submission_with_a_message(world, make_hazard, client):
    hazard = make_hazard(measures="", responsible_person="")
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = post_move(client, hazard, "submit", evidence="已整改", photos=photo())
    assert response.status_code == 400
    html = response.content.decode()
    assert "整改方案不完整" in html and "整改措施" in html and "整改责任人" in html
    assert Hazard.objects.get(pk=hazard.pk).state == State.RECTIFYING


def test_a_stale_version_is_a_clear_conflict_that_changes_nothing(world, make_hazard, client):
    hazard = make_hazard()
    seen = hazard.version
    services.plan(hazard=hazard, actor=world.user(Role.ENTERPRISE_PRINCIPAL), measures="新措施")
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = post_move(client, hazard, "plan", version=seen, measures="旧措施")
    assert response.status_code == 409
    html = response.content.decode()
    assert "有人在您查看期间修改了这条隐患" in html
    hazard.refresh_from_db()
    assert hazard.measures == "新措施" and hazard.version == seen + 1
    # the form now carries the current version: sending it again is accepted
    assert f'name="plan-version" value="{hazard.version}"' in html
    assert post_move(client, hazard, "plan", measures="旧措施").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_a_move_the_user_may_not_make_is_refused(world, make_hazard, client, role):
    hazard = make_hazard()
    before = hazard.version
    response = as_user(client, world, role).post(
        f"/hazards/{hazard.pk}/move/void/", {"void-version": before, "void-reason": "误报"}
    )
    if role is None:
        assert response.status_code == 404  # not even visible
    elif role in REGULATORS:
        assert response.status_code == 302
        assert Hazard.objects.get(pk=hazard.pk).state == State.VOIDED
        return
    else:
        assert_refused(response)
        assert "您无权执行此操作" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).version == before


def test_moves_out_of_scope_are_not_found(world, client):
    outside = hazard_on(world.outside)
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        f"/hazards/{outside.pk}/move/void/", {"void-version": 1, "void-reason": "x"}
    )
    assert_hidden(response)
    assert client.post(f"/hazards/{outside.pk}/move/nonsense/").status_code == 404
    assert client.get(f"/hazards/{outside.pk}/move/void/").status_code == 405


def test_an_extension_request_and_its_decision(world, make_hazard, client):
    hazard = make_hazard()
    client.force_login(world.user(Role.SAFETY_MANAGER))
    later = (hazard.deadline + timedelta(days=10)).isoformat()
    response = post_move(client, hazard, "request_extension", new_deadline=later, reason="到货慢")
    assert response.status_code == 302
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "request_extension" not in moves_on(html)  # one waits already
    client.force_login(world.user(Role.GRID_INSPECTOR))
    response = post_move(client, hazard, "decide_extension", approve="yes", note="同意")
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.deadline.isoformat() == later and hazard.extensions_count == 1


# ---------------------------------------------------------------- registration
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_registration_form(world, client, role):
    response = as_user(client, world, role).get("/hazards/new/")
    if role in REGULATORS | ENTERPRISE_STAFF:
        assert response.status_code == 200
        offered = set(re.findall(r'<option value="(\d+)"', response.content.decode()))
        expected = {world.inside.pk}
        if role in REGULATORS:
            from safeloop.enterprises.models import Enterprise

            expected = set(
                Enterprise.objects.for_user(world.users[role]).values_list("pk", flat=True)
            )
        assert {int(pk) for pk in offered} >= expected
        assert world.outside.pk not in {int(pk) for pk in offered} or role == Role.SYSTEM_ADMIN
    else:
        assert_refused(response)


def register_data(world, **extra):
    return {
        "token": "t-1",
        "move": "register",
        "enterprise": world.inside.pk,
        "level": "general",
        "source": "1",
        "category": "1",
        "place": "仓库",
        "description": "通道堵塞",
        "deadline": (TODAY() + timedelta(days=5)).isoformat(),
        **extra,
    }


def test_a_double_submit_registers_once(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    first = client.post("/hazards/new/", register_data(world))
    second = client.post("/hazards/new/", register_data(world))
    assert Hazard.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "已经提交过" in client.get(second["Location"]).content.decode()


def test_fixed_on_the_spot_goes_straight_to_acceptance(world, client):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    response = client.post(
        "/hazards/new/", register_data(world, move="fix_on_spot", evidence="当场清理", deadline="")
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.state == State.AWAITING and hazard.found_by_regulator


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"deadline": ""}, "deadline", "请给出整改期限：日期或工作日数。"),
        ({"deadline": "2020-01-01"}, "deadline", "整改期限不能早于今天。"),
        ({"place": ""}, "place", "该字段是必填项。"),
        ({"move": "fix_on_spot", "evidence": ""}, "evidence", "请说明如何整改的。"),
        ({"move": "fix_on_spot", "level": "major", "evidence": "x"}, "level", "只有一般事故隐患"),
        ({"enterprise": "999999"}, "enterprise", "选择一个有效的选项"),
    ],
)
def test_registration_errors_are_chinese_and_on_their_field(world, client, change, field, message):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.post("/hazards/new/", register_data(world, **change))
    assert response.status_code == 400
    block = re.search(rf'data-field="{field}".*?</div>', response.content.decode(), re.S)
    assert message in block.group(0)
    assert not Hazard.objects.exists()


def test_enterprise_staff_cannot_register_for_another_enterprise(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.post("/hazards/new/", register_data(world, enterprise=world.sibling.pk))
    assert response.status_code == 400 and not Hazard.objects.exists()


def test_the_screens_speak_english_too(world, make_hazard, client):
    hazard = make_hazard(level=Level.MAJOR)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    client.cookies["django_language"] = "en"
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "Timeline" in html and "Listed supervision" in html and "Void" in html
    html = client.get("/hazards/").content.decode()
    assert "My to-do" in html and "1 hidden danger" in html

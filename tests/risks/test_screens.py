"""The screens that create and change risk points, assessments, measures and hazard units:
every screen for every role inside and outside its scope, bad input, conflicts, audit."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import Role
from safeloop.risks import services
from safeloop.risks.models import (
    ControlMeasure,
    EnterpriseRiskProfile,
    HazardUnit,
    RiskAssessment,
    RiskPoint,
)
from tests.scope import ROLES

from .conftest import accident_type, lec, substance

EDITORS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.COUNTY_ADMIN,
    Role.ENTERPRISE_PRINCIPAL,
    Role.SAFETY_MANAGER,
}
ZH_REQUIRED = "该字段是必填项。"


def sees(role, where: str) -> bool:
    if role is None:
        return False
    if role == Role.SYSTEM_ADMIN:
        return True
    if where == "sibling":
        return role in {Role.CITY_ADMIN, Role.CITY_INSPECTOR}
    return where == "inside"


def expected_status(role, where: str) -> int:
    if not sees(role, where):
        return 404
    return 200 if role in EDITORS else 403


@pytest.fixture
def rows(world):
    """A point (assessed, with a measure) and a hazard unit at each enterprise."""
    admin = world.user(Role.SYSTEM_ADMIN)
    made = {}
    for where in ("inside", "sibling", "outside"):
        enterprise = getattr(world, where)
        point = services.create_risk_point(
            actor=admin, enterprise=enterprise, name=f"{where}-point", kind="place"
        )
        services.assess_risk_point(actor=admin, point=point, **lec(3, 6, 7))
        measure = services.create_measure(
            actor=admin,
            point=point,
            kind="ppe",
            description=f"{where}-measure",
            control_level="team",
            responsible="李四",
            inspection_frequency="weekly",
        )
        unit = services.create_unit(
            actor=admin,
            enterprise=enterprise,
            name=f"{where}-unit",
            kind="storage",
            people_within_500m=10,
            substances=[{"substance": substance("氨"), "quantity": Decimal("20")}],
        )
        point.refresh_from_db()  # now with its current assessment
        made[where] = {"enterprise": enterprise, "point": point, "measure": measure, "unit": unit}
    return made


def screens(row) -> list[str]:
    e, p, m, u = row["enterprise"].pk, row["point"].pk, row["measure"].pk, row["unit"].pk
    return [
        f"/risks/enterprises/{e}/points/new/",
        f"/risks/points/{p}/edit/",
        f"/risks/points/{p}/assess/",
        f"/risks/points/{p}/delete/",
        f"/risks/points/{p}/measures/new/",
        f"/risks/measures/{m}/edit/",
        f"/risks/measures/{m}/delete/",
        f"/risks/enterprises/{e}/units/new/",
        f"/risks/units/{u}/edit/",
        f"/risks/units/{u}/delete/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_each_screen_only_to_editors_in_scope(world, client, rows, role):
    client.force_login(world.users[role])
    for where, row in rows.items():
        for url in screens(row):
            assert client.get(url).status_code == expected_status(role, where), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_it_offers_the_edit_links_only_to_editors(world, client, rows, role):
    if not sees(role, "inside"):
        return
    client.force_login(world.users[role])
    row = rows["inside"]
    enterprise_page = client.get(f"/risks/enterprises/{world.inside.pk}/").content.decode()
    point_page = client.get(f"/risks/points/{row['point'].pk}/").content.decode()
    unit_page = client.get(f"/risks/units/{row['unit'].pk}/").content.decode()
    editor = role in EDITORS
    assert ('id="new-point"' in enterprise_page) == editor
    assert ('id="new-unit"' in enterprise_page) == editor
    assert ('id="edit-point"' in point_page) == editor
    assert ('id="regrade-point"' in point_page) == editor
    assert ('id="add-measure"' in point_page) == editor
    assert ('id="edit-unit"' in unit_page) == editor


POINT = {
    "name": "2#液氨储罐",
    "kind": "equipment",
    "location": "罐区东侧",
    "post": "罐区操作工",
    "hazard_factors": "泄漏、超压",
    "emergency_actions": "关闭进料阀，疏散",
    "contacts": "值班室 0951-1234567",
    "review_due": "2027-06-30",
}
MEASURE = {
    "kind": "engineering",
    "description": "安装可燃气体报警器",
    "control_level": "workshop",
    "responsible": "王五",
    "responsible_phone": "13800000000",
    "inspection_frequency": "daily",
}


def unit_post(version="", lines=(("氯", "", "10"),), **fields):
    data = {
        "version": version,
        "name": "液氯库",
        "kind": "storage",
        "people_within_500m": "120",
        "lines-TOTAL_FORMS": str(len(lines) + 1),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        **fields,
    }
    for i, (name, category, quantity) in enumerate(lines):
        data[f"lines-{i}-substance"] = substance(name).pk if name else ""
        data[f"lines-{i}-category"] = category
        data[f"lines-{i}-quantity"] = quantity
    return data


@pytest.mark.parametrize("role", ROLES)
def test_each_write_works_for_editors_and_changes_nothing_for_others(world, client, rows, role):
    client.force_login(world.users[role])
    row = rows["inside"]
    point, measure, unit = row["point"], row["measure"], row["unit"]
    before = (RiskPoint.objects.count(), ControlMeasure.objects.count(), HazardUnit.objects.count())
    expected = expected_status(role, "inside")
    ok = expected == 200

    def post(url, data):
        response = client.post(url, data)
        assert response.status_code == (302 if ok else expected), (url, response.status_code)
        return response

    post(f"/risks/enterprises/{world.inside.pk}/points/new/", POINT)
    post(
        f"/risks/points/{point.pk}/edit/",
        {**POINT, "name": "改名", "version": point.version},
    )
    point.refresh_from_db()
    post(
        f"/risks/points/{point.pk}/assess/",
        {"method": "ls", "ls_l": "4", "ls_s": "5", "version": point.version},
    )
    post(f"/risks/points/{point.pk}/measures/new/", MEASURE)
    post(
        f"/risks/measures/{measure.pk}/edit/",
        {**MEASURE, "version": measure.version},
    )
    post(f"/risks/enterprises/{world.inside.pk}/units/new/", unit_post())
    post(f"/risks/units/{unit.pk}/edit/", unit_post(unit.version))
    measure.refresh_from_db()
    post(f"/risks/measures/{measure.pk}/delete/", {"version": measure.version})
    if ok:
        point.refresh_from_db()
        assert point.name == "改名" and point.level == "red"  # LS 4×5 = 20
        assert RiskPoint.objects.filter(name=POINT["name"], enterprise=world.inside).exists()
        unit.refresh_from_db()
        assert unit.identified and unit.grade == 3  # 氯 10 t: S = 2, R = 2 × 4 × 2 = 16
        assert ControlMeasure.objects.get(pk=measure.pk).is_deleted
        assert EnterpriseRiskProfile.objects.get(enterprise=world.inside).level == "red"
    else:
        after = (
            RiskPoint.objects.count(),
            ControlMeasure.objects.count(),
            HazardUnit.objects.count(),
        )
        assert after == before
        point.refresh_from_db()
        assert point.name == "inside-point" and point.level == "yellow"  # 3×6×7 = 126


def test_it_creates_a_point_with_accident_types_and_audits_it(world, client, manager):
    client.force_login(manager)
    fall = accident_type("WSA10006")  # any type of the 2025 code set
    response = client.post(
        f"/risks/enterprises/{world.inside.pk}/points/new/",
        {**POINT, "accident_types": [fall.pk]},
    )
    assert response.status_code == 302
    point = RiskPoint.objects.get(name=POINT["name"])
    assert list(point.accident_types.all()) == [fall]
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RiskPoint),
        object_id=str(point.pk),
        action="risks.riskpoint.create",
    )
    assert entry.actor == manager
    assert EnterpriseRiskProfile.objects.get(enterprise=world.inside).unassessed == 1


def test_it_shows_field_errors_in_chinese_and_saves_nothing(world, client, manager):
    client.force_login(manager)
    url = f"/risks/enterprises/{world.inside.pk}/points/new/"
    response = client.post(url, {**POINT, "name": "", "kind": "volcano", "review_due": "昨天"})
    assert response.status_code == 400
    html = response.content.decode()
    assert ZH_REQUIRED in html
    assert "选择一个有效的选项" in html  # the kind
    assert "输入一个有效的日期" in html
    hostile = {**POINT, "name": "<script>alert(1)</script>" * 10}  # also too long
    response = client.post(url, hostile)
    assert response.status_code == 400 and "<script>alert" not in response.content.decode()
    assert not RiskPoint.objects.exists()


def test_it_refuses_values_outside_the_official_lists(world, client, manager, make_point):
    point = make_point()
    client.force_login(manager)
    url = f"/risks/points/{point.pk}/assess/"
    version = point.version
    response = client.post(
        url, {"method": "lec", "lec_l": "7", "lec_e": "6", "lec_c": "", "version": version}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "7 不在规定取值表中" in html and "请从规定取值表中选择。" in html
    response = client.post(url, {"method": "direct", "version": version})
    assert response.status_code == 400 and "直接判定" in response.content.decode()
    assert not RiskAssessment.objects.filter(risk_point=point).exists()
    response = client.post(
        url,
        {
            "method": "direct",
            "direct_reason": "people_30",
            "direct_note": "交接班",
            "version": version,
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.level == "red" and point.current_assessment.direct_reason == "people_30"


def test_it_checks_each_substance_line(world, client, manager):
    client.force_login(manager)
    url = f"/risks/enterprises/{world.inside.pk}/units/new/"
    cases = [
        (unit_post(lines=(("氯", "", "-1"),)), "lines-0-quantity"),
        (unit_post(lines=(("氯", "", "abc"),)), "lines-0-quantity"),
        (unit_post(lines=(("氯", "", ""),)), "lines-0-quantity"),
        (unit_post(lines=(("", "", "5"),)), "lines-0-substance"),
        (unit_post(lines=(("氯", "J1", "5"),)), "lines-0-substance"),
        (unit_post(people_within_500m=""), "people_within_500m"),
        (unit_post(people_within_500m="-3"), "people_within_500m"),
    ]
    for data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 400, field
        marker = f'class="field has-error" data-field="{field.split("-")[-1]}"'
        assert marker in response.content.decode(), field
    unknown = unit_post()
    unknown["lines-0-substance"] = "999999"
    response = client.post(url, unknown)
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    response = client.post(url, unit_post(lines=()))
    assert response.status_code == 400 and "请至少填写一种危险物质。" in response.content.decode()
    assert not HazardUnit.objects.exists()


def test_it_records_a_unit_by_category_and_shows_the_calculation(world, client, manager):
    client.force_login(manager)
    data = unit_post(lines=(("氯", "", "3"), ("", "W5.1", "100")))
    data["lines-1-label"] = "未列名易燃液体"
    response = client.post(f"/risks/enterprises/{world.inside.pk}/units/new/", data)
    assert response.status_code == 302
    unit = HazardUnit.objects.get(name="液氯库")
    assert unit.substances.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert 'id="steps"' in page and "未列名易燃液体" in page


def test_editing_a_unit_keeps_untouched_lines_and_drops_cleared_ones(world, client, manager):
    unit = services.create_unit(
        actor=manager,
        enterprise=world.inside,
        name="罐区",
        kind="storage",
        people_within_500m=50,
        substances=[
            {"substance": substance("氯"), "quantity": Decimal("3")},
            {"substance": substance("氨"), "quantity": Decimal("6")},
            {"substance": substance("苯"), "quantity": Decimal("1")},
        ],
    )
    client.force_login(manager)
    url = f"/risks/units/{unit.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="lines-INITIAL_FORMS" value="3"' in page
    data = unit_post(unit.version, lines=(("氯", "", "3"), ("氨", "", "12"), ("", "", "")))
    data.update({"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "3"})
    response = client.post(url, data)
    assert response.status_code == 302
    kept = sorted((str(s.substance), s.quantity) for s in unit.substances.all())
    assert kept == [("氨", Decimal("12.0000")), ("氯", Decimal("3.0000"))]


def test_a_stale_edit_is_a_conflict_and_changes_nothing(world, client, manager, rows):
    point = rows["inside"]["point"]
    client.force_login(manager)
    stale = point.version
    services.update_risk_point(actor=manager, point=point, location="别人改的")
    response = client.post(
        f"/risks/points/{point.pk}/edit/", {**POINT, "name": "我的改动", "version": stale}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="form-errors"' in html
    point.refresh_from_db()
    assert point.name == "inside-point" and point.location == "别人改的"
    # the form now carries the current version: saving again is a fresh decision
    fresh = point.version
    assert f'name="version" value="{fresh}"' in html
    response = client.post(
        f"/risks/points/{point.pk}/edit/", {**POINT, "name": "我的改动", "version": fresh}
    )
    assert response.status_code == 302


def test_stale_assessment_delete_and_unit_edit_are_conflicts(world, client, manager, rows):
    row = rows["inside"]
    point, measure, unit = row["point"], row["measure"], row["unit"]
    client.force_login(manager)
    old_point = point.version
    old_measure = measure.version
    old_unit = unit.version
    services.assess_risk_point(actor=manager, point=point, **lec(1, 1, 1))
    services.update_measure(actor=manager, measure=measure, responsible="赵六")
    services.update_unit(actor=manager, unit=unit, people_within_500m=40)
    assert (
        client.post(
            f"/risks/points/{point.pk}/assess/",
            {"method": "ls", "ls_l": "1", "ls_s": "1", "version": old_point},
        ).status_code
        == 409
    )
    assert (
        client.post(f"/risks/points/{point.pk}/delete/", {"version": old_point}).status_code == 409
    )
    assert (
        client.post(f"/risks/measures/{measure.pk}/delete/", {"version": old_measure}).status_code
        == 409
    )
    assert client.post(f"/risks/units/{unit.pk}/edit/", unit_post(old_unit)).status_code == 409
    response = client.post(f"/risks/points/{point.pk}/regrade/", {"version": old_point})
    assert response.status_code == 409  # the point page again, saying why
    assert 'id="regrade-point"' in response.content.decode()
    assert point.assessments.count() == 2  # the regrade was refused too
    assert not RiskPoint.objects.get(pk=point.pk).is_deleted
    assert not ControlMeasure.objects.get(pk=measure.pk).is_deleted
    assert HazardUnit.objects.get(pk=unit.pk).people_within_500m == 40


def test_deleting_keeps_the_records_and_updates_the_roll_up(world, client, manager, rows):
    row = rows["inside"]
    point, unit = row["point"], row["unit"]
    client.force_login(manager)
    response = client.post(f"/risks/points/{point.pk}/delete/", {"version": point.version})
    assert response.status_code == 302
    assert client.get(f"/risks/points/{point.pk}/").status_code == 404
    assert RiskPoint.objects.get(pk=point.pk).is_deleted
    assert (
        client.post(f"/risks/units/{unit.pk}/delete/", {"version": unit.version}).status_code == 302
    )
    profile = EnterpriseRiskProfile.objects.get(enterprise=world.inside)
    assert (profile.level, profile.yellow, profile.major_hazard) == ("", 0, False)


def test_regrading_from_the_point_page_writes_a_new_assessment(world, client, manager, rows):
    point = rows["inside"]["point"]
    client.force_login(manager)
    response = client.post(f"/risks/points/{point.pk}/regrade/", {"version": point.version})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.assessments.count() == 2
    assert point.current_assessment.supersedes is not None


def test_the_api_refuses_a_stale_version_too(world, api, manager, rows):
    point = rows["inside"]["point"]
    api.as_user(manager)
    body = api.get(f"/api/v1/risk-points/{point.pk}/").json()
    services.update_risk_point(actor=manager, point=point, post="别人改的")
    response = api.patch(
        f"/api/v1/risk-points/{point.pk}/", {"name": "x", "version": body["version"]}
    )
    assert response.status_code == 409
    fresh = api.get(f"/api/v1/risk-points/{point.pk}/").json()["version"]
    response = api.patch(f"/api/v1/risk-points/{point.pk}/", {"name": "x", "version": fresh})
    assert response.status_code == 200
    response = api.delete(f"/api/v1/risk-points/{point.pk}/?version={fresh}")
    assert response.status_code == 409  # the rename moved the version


def test_the_screens_speak_chinese_first_and_english_second(world, client, manager, rows):
    client.force_login(manager)
    url = f"/risks/enterprises/{world.inside.pk}/units/new/"
    assert "新增危险源单元" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New hazard installation unit" in english and "Save and compute" in english
    assess = client.get(f"/risks/points/{rows['inside']['point'].pk}/assess/").content.decode()
    assert "记录评价" in assess and "直接判定" in assess

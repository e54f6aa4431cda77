"""Risk points, assessments and the enterprise roll-up kept by the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeloop.core.errors import Conflict, Invalid, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import Role
from safeloop.risks import services
from safeloop.risks.models import (
    EnterpriseRiskProfile,
    GradingScheme,
    HazardUnit,
    RiskAssessment,
    RiskPoint,
)

from .conftest import accident_type, category, lec, substance


def profile(enterprise):
    return EnterpriseRiskProfile.objects.get(enterprise=enterprise)


def counts(enterprise):
    p = profile(enterprise)
    return p.level, (p.red, p.orange, p.yellow, p.blue, p.unassessed)


def test_it_grades_an_lec_assessment_and_records_the_scheme(world, make_point, assess):
    point = make_point()
    a = assess(point, **lec(6, 6, 7))  # D = 252
    assert a.score == Decimal("252") and a.level == "orange"
    assert a.scheme.code == "default" and a.thresholds["lec_red_above"] == "320.00"
    point.refresh_from_db()
    assert point.level == "orange" and point.current_assessment == a


def test_it_grades_an_ls_assessment(world, make_point, assess):
    a = assess(make_point(), method="ls", ls_l=4, ls_s=4)
    assert a.score == 16 and a.level == "orange"


@pytest.mark.parametrize(
    "inputs, field",
    [
        ({"lec_l": "4", "lec_e": "6", "lec_c": "7"}, "lec_l"),
        ({"lec_l": "6", "lec_e": "7", "lec_c": "7"}, "lec_e"),
        ({"lec_l": "6", "lec_e": "6", "lec_c": "50"}, "lec_c"),
        ({"lec_l": "x", "lec_e": "6", "lec_c": "7"}, "lec_l"),
        ({"lec_l": "6", "lec_e": "6"}, "lec_c"),
    ],
)
def test_it_refuses_lec_values_outside_the_official_lists(make_point, assess, inputs, field):
    point = make_point()
    with pytest.raises(ValidationError) as e:
        assess(point, method="lec", **inputs)
    assert field in e.value.message_dict
    assert not RiskAssessment.objects.exists()


def test_it_refuses_ls_values_outside_1_to_5(make_point, assess):
    with pytest.raises(ValidationError) as e:
        assess(make_point(), method="ls", ls_l=6, ls_s=0)
    assert set(e.value.message_dict) == {"ls_l", "ls_s"}


def test_it_forces_major_risk_on_direct_determination_with_the_reason(make_point, assess):
    point = make_point()
    a = assess(point, **lec(0.1, 0.5, 1), direct_reason="people_30", direct_note="班组42人")
    assert a.score == Decimal("0.05") and a.level == "red" and a.direct_reason == "people_30"
    direct = assess(point, method="direct", direct_reason="major_hidden_danger")
    assert direct.level == "red" and direct.score is None
    with pytest.raises(ValidationError) as e:
        assess(point, method="direct")
    assert "direct_reason" in e.value.message_dict


def test_it_keeps_history_when_the_scheme_changes_and_regrades_on_request(
    world, make_point, assess, manager
):
    point = make_point()
    first = assess(point, **lec(3, 6, 3))  # D = 54: blue by default, yellow in the alternative
    assert first.level == "blue"
    GradingScheme.objects.filter(code="default").update(is_active=False)
    GradingScheme.objects.filter(code="alternative").update(is_active=True)
    first.refresh_from_db()
    point.refresh_from_db()
    assert first.level == "blue" and point.level == "blue"  # nothing changes by itself
    second = services.regrade_risk_point(actor=manager, point=point)
    assert second.level == "yellow" and second.scheme.code == "alternative"
    assert second.supersedes == first and second.lec_c == Decimal("3")
    first.refresh_from_db()
    assert first.level == "blue" and first.thresholds["scheme"] == "default"
    assert counts(world.inside) == ("yellow", (0, 0, 1, 0, 0))


def test_it_keeps_the_enterprise_roll_up_current_after_edits_and_deletions(
    world, make_point, assess, manager
):
    a, b, c = make_point(name="A"), make_point(name="B"), make_point(name="C")
    assert counts(world.inside) == ("", (0, 0, 0, 0, 3))
    assess(a, **lec(10, 6, 40))  # 2400 red
    assess(b, **lec(3, 6, 7))  # 126 yellow
    assert counts(world.inside) == ("red", (1, 0, 1, 0, 1))
    assess(a, **lec(1, 6, 7))  # re-assessed: 42 blue
    assert counts(world.inside) == ("yellow", (0, 0, 1, 1, 1))
    services.delete_risk_point(actor=manager, point=b)
    assert counts(world.inside) == ("blue", (0, 0, 0, 1, 1))
    services.delete_risk_point(actor=manager, point=a)
    services.delete_risk_point(actor=manager, point=c)
    assert counts(world.inside) == ("", (0, 0, 0, 0, 0))
    with pytest.raises(NotFound):
        services.delete_risk_point(actor=manager, point=a)  # already gone


def test_it_audits_points_assessments_and_accident_types(world, make_point, assess, manager):
    point = make_point(accident_types=[accident_type("WSA10009"), accident_type("WSA10023")])
    assert list(point.accident_types.order_by("code").values_list("name", flat=True)) == [
        "火灾",
        "中毒",
    ]
    assess(point, **lec(3, 6, 7))
    services.update_risk_point(actor=manager, point=point, location="二车间")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "risks.riskpoint.create",
        "risks.riskpoint.accident_types",
        "risks.riskassessment.create",
        "risks.riskpoint.update",
    } <= actions
    entry = AuditEntry.objects.filter(action="risks.riskpoint.create").get()
    assert entry.region_code == "640104" and entry.actor == manager


def test_it_refuses_writes_outside_the_actors_scope(world, make_point, manager):
    """Outside the actor's scope: NotFound (404); seen but not theirs to change: exactly
    NotPermitted (403), before anything is written."""
    with pytest.raises(NotFound):
        services.create_risk_point(actor=manager, enterprise=world.sibling, name="X", kind="place")
    point = make_point(world.sibling)
    with pytest.raises(NotFound):
        services.update_risk_point(actor=manager, point=point, name="改")
    inspector = world.user(Role.CITY_INSPECTOR)  # sees it, may not change it
    calls = [
        lambda: services.create_risk_point(
            actor=inspector, enterprise=world.sibling, name="X", kind="place"
        ),
        lambda: services.update_risk_point(actor=inspector, point=point, name="改"),
        lambda: services.assess_risk_point(actor=inspector, point=point, **lec(1, 1, 1)),
        lambda: services.delete_risk_point(actor=inspector, point=point),
        lambda: services.create_measure(
            actor=inspector,
            point=point,
            kind="ppe",
            description="手套",
            control_level="team",
            responsible="李四",
            inspection_frequency="weekly",
        ),
    ]
    for call in calls:
        with pytest.raises(NotPermitted) as refused:
            call()
        assert type(refused.value) is NotPermitted
    point.refresh_from_db()
    assert (point.name, point.version, point.is_deleted) == ("1#反应釜", 1, False)
    assert not RiskAssessment.objects.filter(risk_point=point).exists()


def test_every_change_moves_the_integer_version_and_a_stale_one_is_refused(
    world, make_point, assess, manager
):
    point = make_point()
    assert point.version == 1
    services.update_risk_point(actor=manager, point=point, location="一车间", version=1)
    point.refresh_from_db()
    assert point.version == 2
    services.update_risk_point(actor=manager, point=point, location="一车间", version=2)
    point.refresh_from_db()
    assert point.version == 2  # nothing changed: no new version, no audit entry
    services.update_risk_point(
        actor=manager, point=point, accident_types=[accident_type("WSA10009")], version=2
    )
    point.refresh_from_db()
    assert point.version == 3  # the accident types are part of the point
    assess(point, version=3, **lec(3, 6, 7))
    point.refresh_from_db()
    assert point.version == 4  # so is its current assessment
    for stale in (
        lambda: services.update_risk_point(actor=manager, point=point, name="改", version=3),
        lambda: services.assess_risk_point(actor=manager, point=point, version=3, **lec(1, 1, 1)),
        lambda: services.regrade_risk_point(actor=manager, point=point, version=3),
        lambda: services.delete_risk_point(actor=manager, point=point, version=3),
    ):
        with pytest.raises(Conflict):
            stale()
    point.refresh_from_db()
    assert (point.version, point.name, point.is_deleted) == (4, "1#反应釜", False)
    services.regrade_risk_point(actor=manager, point=point, version=4)
    services.delete_risk_point(actor=manager, point=point, version=5)
    assert RiskPoint.objects.get(pk=point.pk).version == 6


def test_a_units_substances_are_part_of_its_version(world, manager):
    unit = services.create_unit(
        actor=manager,
        enterprise=world.inside,
        name="罐区",
        kind="storage",
        people_within_500m=10,
        substances=[{"substance": substance("氯"), "quantity": Decimal("3")}],
    )
    assert unit.version == 1
    same = [{"substance": substance("氯"), "quantity": Decimal("3.0000")}]
    services.update_unit(actor=manager, unit=unit, substances=same, version=1)
    assert HazardUnit.objects.get(pk=unit.pk).version == 1
    more = [*same, {"category": category("W5.1"), "label": "溶剂", "quantity": Decimal("5")}]
    services.update_unit(actor=manager, unit=unit, substances=more, version=1)
    assert HazardUnit.objects.get(pk=unit.pk).version == 2
    with pytest.raises(Conflict):
        services.update_unit(actor=manager, unit=unit, people_within_500m=99, version=1)
    with pytest.raises(Invalid) as refused:
        services.update_unit(actor=manager, unit=unit, substances=[], version=2)
    assert refused.value.fields() == {"substances": ["请至少填写一种危险物质。"]}


def test_it_flags_overdue_reviews(make_point):
    today = timezone.localdate()
    assert make_point(review_due=today - timedelta(days=1)).review_overdue
    assert not make_point(review_due=today).review_overdue
    assert not make_point().review_overdue


def test_it_keeps_measures_with_their_control_level(world, make_point, manager):
    point = make_point()
    m = services.create_measure(
        actor=manager,
        point=point,
        kind="engineering",
        description="安装可燃气体报警仪",
        control_level="workshop",
        responsible="张三",
        inspection_frequency="daily",
    )
    assert m.enterprise == world.inside
    with pytest.raises(ValidationError) as e:
        services.update_measure(actor=manager, measure=m, control_level="district")
    assert "control_level" in e.value.message_dict
    services.delete_measure(actor=manager, measure=m)
    m.refresh_from_db()
    assert m.is_deleted

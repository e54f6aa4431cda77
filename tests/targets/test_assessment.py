"""The assessment: a total equal to a hand computation, the veto rules, the frozen figures
after approval, and the indicator warning at the share boundary and on a breach."""

from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.core.errors import IllegalMove, Invalid
from safeloop.orgs.roles import Role
from safeloop.targets import services
from safeloop.targets.models import AssessmentResult

YEAR = timezone.localdate().year


def _limits(world, kind, city, county, sibling=None):
    admin = world.user(Role.CITY_ADMIN)
    services.set_indicator(actor=admin, year=YEAR, kind=kind, region_code="640100", limit=city)
    services.set_indicator(actor=admin, year=YEAR, kind=kind, region_code="640104", limit=county)
    if sibling is not None:
        services.set_indicator(
            actor=admin, year=YEAR, kind=kind, region_code="640105", limit=sibling
        )


def _compute(world):
    return services.compute_assessment(
        actor=world.user(Role.CITY_ADMIN), region_code="640100", year=YEAR
    )


def _line(assessment, code, park=False):
    return AssessmentResult.objects.get(
        assessment=assessment, region_code=code, park__isnull=not park
    )


def test_it_totals_a_county_as_computed_by_hand(world, rules, accident):
    _limits(world, rules["accidents"], 4, 2, 2)
    accident()  # one general accident in 640104: 1 of 2 used = 50 %
    a = _compute(world)
    line = _line(a, "640104")
    points = {i["code"]: i["points"] for i in line.items}
    # by hand: consumption 50 % ≤ 80 → 20; no major hidden danger found → full 20; no
    # overdue → 15; 1 enterprise, none inspected → 0 % → 0; no self-check tasks → full 15;
    # nothing in bulletins → 5; the manual item not yet scored → 0
    assert points == {
        "indicators": 20,
        "major_rectification": 20,
        "overdue": 15,
        "inspection": 0,
        "selfcheck": 15,
        "bulletin": 5,
        "work": 0,
    }
    consumption = next(i for i in line.items if i["code"] == "indicators")
    assert consumption["value"] == 50.0
    assert consumption["inputs"]["事故起数"] == {"used": 1.0, "limit": 2.0, "share": 50.0}
    services.score_entry(
        actor=world.user(Role.CITY_ADMIN),
        result=line,
        kind="manual",
        item="work",
        points="7",
        reason="督查记录",
        version=a.version,
    )
    a.refresh_from_db()
    services.score_entry(
        actor=world.user(Role.CITY_ADMIN),
        result=line,
        kind="adjust",
        points="3",
        reason="年度专项工作加分",
        version=a.version,
    )
    line.refresh_from_db()
    assert line.item_total == Decimal("82.00")  # 20+20+15+0+15+5+7
    assert line.adjustment == Decimal("3.00")
    assert line.total == Decimal("85.00")
    sibling = _line(a, "640105")
    assert sibling.total == Decimal("75.00")  # 20+20+15+0+15+5+0, manual not scored
    assert (line.rank, sibling.rank) == (1, 2)


def test_an_adjustment_needs_a_reason(world, rules):
    a = _compute(world)
    with pytest.raises(Invalid) as raised:
        services.score_entry(
            actor=world.user(Role.CITY_ADMIN),
            result=_line(a, "640104"),
            kind="adjust",
            points="3",
            reason=" ",
            version=a.version,
        )
    assert raised.value.field == "reason"


def test_a_serious_accident_vetoes_the_county_and_its_park(world, rules, accident):
    accident(deaths=3)  # 较大 (serious): 3 deaths
    a = _compute(world)
    county, park, sibling = _line(a, "640104"), _line(a, "640104", park=True), _line(a, "640105")
    assert [v["code"] for v in county.vetoes] == ["accident_grade"]
    assert [v["code"] for v in park.vetoes] == ["accident_grade"]  # the enterprise is in it
    assert county.total == 0 and county.item_total > 0
    assert sibling.vetoes == [] and sibling.rank == 1 and county.rank == 2


def test_a_general_accident_does_not_veto(world, rules, accident):
    accident()
    a = _compute(world)
    assert _line(a, "640104").vetoes == []


def test_an_indicator_breach_vetoes(world, rules, accident):
    _limits(world, rules["accidents"], 1, 0)
    accident()
    line = _line(_compute(world), "640104")
    assert [v["code"] for v in line.vetoes] == ["indicator_breach"]
    assert line.total == 0


def test_approval_freezes_the_figures(world, rules, accident):
    admin = world.user(Role.CITY_ADMIN)
    a = _compute(world)
    for line in a.results.all():
        a.refresh_from_db()
        services.score_entry(
            actor=admin,
            result=line,
            kind="manual",
            item="work",
            points="5",
            reason="x",
            version=a.version,
        )
    a.refresh_from_db()
    services.approve(actor=admin, assessment=a, version=a.version)
    before = _line(a, "640104")
    accident(deaths=5)  # after approval: changes nothing
    with pytest.raises(IllegalMove):
        _compute(world)
    a.refresh_from_db()
    with pytest.raises(IllegalMove):
        services.score_entry(
            actor=admin, result=before, kind="adjust", points="1", reason="x", version=a.version
        )
    after = _line(a, "640104")
    assert (after.total, after.vetoes, after.figures) == (before.total, [], before.figures)
    assert a.state == "approved"


def test_approval_waits_for_the_manual_items(world, rules):
    a = _compute(world)
    with pytest.raises(Invalid):
        services.approve(actor=world.user(Role.CITY_ADMIN), assessment=a, version=a.version)


def test_shares_may_not_exceed_the_city_limit(world, rules):
    _limits(world, rules["deaths"], 2, 1)
    with pytest.raises(Invalid) as raised:
        services.set_indicator(
            actor=world.user(Role.CITY_ADMIN),
            year=YEAR,
            kind=rules["deaths"],
            region_code="640105",
            limit=2,
        )
    assert raised.value.field == "limit"


def _warnings():
    return sorted(
        EarlyWarning.objects.filter(rule__code="indicator_consumption").values_list(
            "subject_label", "period"
        )
    )


def test_the_indicator_warns_at_the_share_and_on_a_breach(world, rules, accident):
    rule = WarningRule.objects.get(code="indicator_consumption")
    _limits(world, rules["accidents"], 10, 5)
    for _ in range(3):
        accident()
    evaluate(rule)
    assert _warnings() == []  # 3 of 5: 60 %
    accident()
    evaluate(rule)  # 4 of 5: exactly 80 %, the default share
    assert _warnings() == [("兴庆区 · 事故起数", f"{YEAR}:warn")]
    accident()
    evaluate(rule)  # 5 of 5: at the limit, not beyond it
    assert _warnings() == [("兴庆区 · 事故起数", f"{YEAR}:warn")]
    accident()
    evaluate(rule)  # 6 of 5: breached
    assert _warnings() == [
        ("兴庆区 · 事故起数", f"{YEAR}:breach"),
        ("兴庆区 · 事故起数", f"{YEAR}:warn"),
    ]
    evaluate(rule)  # once each
    assert len(_warnings()) == 2

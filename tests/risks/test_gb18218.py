"""GB 18218-2018 identification and grading, with worked examples computed by hand."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from safeloop.risks import services
from safeloop.risks.models import EnterpriseRiskProfile

from .conftest import category, substance

D = Decimal


def unit(world, manager, people, *lines, **kw):
    rows = [
        {"substance": substance(what), "quantity": D(q)}
        if not what.startswith(("J", "W"))
        else {"category": category(what), "quantity": D(q), "label": "未列名物质"}
        for what, q in lines
    ]
    return services.create_unit(
        actor=manager,
        enterprise=world.inside,
        name=kw.get("name", "液氯储罐区"),
        kind="storage",
        people_within_500m=people,
        substances=rows,
    )


def test_it_works_the_chlorine_and_ammonia_example(world, manager):
    # 氯 3 t (Q 5, β 4), 氨 6 t (Q 10, β 2), 120 people within 500 m:
    # S = 3/5 + 6/10 = 0.6 + 0.6 = 1.2 ≥ 1 → identified.
    # Σβq/Q = 4 × 0.6 + 2 × 0.6 = 2.4 + 1.2 = 3.6; α(120) = 2.0; R = 7.2 < 10 → 四级.
    u = unit(world, manager, 120, ("氯", "3"), ("氨", "6"))
    assert (u.s_value, u.alpha, u.r_value, u.identified, u.grade) == (
        D("1.2"),
        D("2.0"),
        D("7.2"),
        True,
        4,
    )
    steps = services.compute_unit(u).steps
    assert steps[0] == "氯: q/Q = 3.0000 / 5.0000 = 0.6000; β·q/Q = 4.00 × 0.6000 = 2.4000"
    assert "R = α × Σβq/Q = 2.00 × 3.6000 = 7.20" in steps
    assert EnterpriseRiskProfile.objects.get(enterprise=world.inside).major_hazard


def test_it_works_a_mixed_flammable_example_with_categories_beta(world, manager):
    # LPG 40 t (Q 50, β 1.5 via W2), 甲醇 300 t (Q 500, β 1 via W5.3), 氢 2 t (Q 5, β 1.5):
    # S = 0.8 + 0.6 + 0.4 = 1.8; Σβq/Q = 1.2 + 0.6 + 0.6 = 2.4; α(45) = 1.2; R = 2.88 → 四级.
    u = unit(world, manager, 45, ("液化石油气", "40"), ("甲醇", "300"), ("氢", "2"))
    assert (u.s_value, u.r_value, u.grade) == (D("1.8"), D("2.88"), 4)


@pytest.mark.parametrize(
    "people, alpha, r, grade",
    [
        # 氟化氢 6 t (Q 1, β 5) → 30; 硫化氢 10 t (Q 5, β 5) → 10; Σβq/Q = 40; S = 8.
        (30, "1.2", "48", 3),  # 10 ≤ 48 < 50 → 三级
        (49, "1.2", "48", 3),
        (50, "1.5", "60", 2),  # the α band alone moves it to 二级
        (99, "1.5", "60", 2),
        (100, "2.0", "80", 2),
        (0, "0.5", "20", 3),
        (1, "1.0", "40", 3),
    ],
)
def test_it_takes_alpha_from_the_people_band(world, manager, people, alpha, r, grade):
    u = unit(world, manager, people, ("氟化氢", "6"), ("硫化氢", "10"))
    assert (u.s_value, u.alpha, u.r_value, u.grade) == (D(8), D(alpha), D(r), grade)


@pytest.mark.parametrize(
    "chlorine, r, grade",
    [
        # 氯 q t: β q/Q = 4q/5; 120 people → α 2.0; R = 1.6 q.
        ("62.5", "100", 1),  # R = 100 exactly → 一级
        ("62.49", "99.984", 2),
        ("31.25", "50", 2),  # R = 50 exactly → 二级
        ("31.24", "49.984", 3),
        ("6.25", "10", 3),  # R = 10 exactly → 三级
        ("6.24", "9.984", 4),
    ],
)
def test_it_grades_at_every_r_boundary(world, manager, chlorine, r, grade):
    u = unit(world, manager, 120, ("氯", chlorine))
    assert (u.r_value, u.grade) == (D(r), grade)


def test_it_identifies_at_exactly_one_and_not_below(world, manager):
    # W5.4 2500 t (Q 5000) + 乙醇 250 t (Q 500): S = 0.5 + 0.5 = 1 exactly → identified;
    # Σβq/Q = 1, α(0) = 0.5, R = 0.5 → 四级.
    u = unit(world, manager, 0, ("W5.4", "2500"), ("乙醇", "250"))
    assert (u.s_value, u.identified, u.r_value, u.grade) == (D(1), True, D("0.5"), 4)
    below = unit(world, manager, 0, ("甲醇", "499.9999"), name="甲醇罐")
    assert not below.identified and below.grade is None and below.s_value == D("1.0000")


def test_it_flags_the_enterprise_only_while_an_identified_unit_remains(world, manager):
    small = unit(world, manager, 10, ("甲醇", "10"), name="小罐")
    p = EnterpriseRiskProfile.objects.get(enterprise=world.inside)
    assert not p.major_hazard
    big = unit(world, manager, 10, ("氯", "100"), name="大罐")  # R = 1.0 × 80 = 80 → 二级
    p.refresh_from_db()
    assert p.major_hazard and p.major_hazard_grade == 2
    services.update_unit(
        actor=manager, unit=big, substances=[{"substance": substance("氯"), "quantity": D("1")}]
    )
    p.refresh_from_db()
    assert not p.major_hazard
    services.update_unit(actor=manager, unit=small, people_within_500m=200)
    services.delete_unit(actor=manager, unit=big)
    p.refresh_from_db()
    assert not p.major_hazard and p.major_hazard_grade is None


def test_it_refuses_negative_quantities(world, manager):
    with pytest.raises(ValidationError) as e:
        unit(world, manager, 10, ("氯", "-1"))
    assert "quantity" in e.value.message_dict

"""LEC and LS thresholds at every boundary under both shipped schemes, and the rule tables."""

from decimal import Decimal

import pytest

from safeloop.risks.grading import lec_level, ls_level
from safeloop.risks.models import (
    AccidentType,
    GradingScheme,
    HazardCategory,
    HazardousSubstance,
    LecValue,
)

R, OR, Y, B = "red", "orange", "yellow", "blue"


@pytest.fixture
def schemes(db):
    return {s.code: s.thresholds() for s in GradingScheme.objects.all()}


@pytest.mark.parametrize(
    "scheme, d, level",
    [
        # default: >320 red, 160–320 orange, 70–160 yellow, ≤70 blue
        ("default", "1000", R),
        ("default", "320.01", R),
        ("default", "320", OR),
        ("default", "160.01", OR),
        ("default", "160", Y),
        ("default", "70.01", Y),
        ("default", "70", B),
        ("default", "0.01", B),
        # alternative: >160 red, 70–160 orange, 20–70 yellow, ≤20 blue
        ("alternative", "320", R),
        ("alternative", "160.01", R),
        ("alternative", "160", OR),
        ("alternative", "70.01", OR),
        ("alternative", "70", Y),
        ("alternative", "20.01", Y),
        ("alternative", "20", B),
        ("alternative", "0.01", B),
    ],
)
def test_it_grades_lec_at_every_boundary(schemes, scheme, d, level):
    assert lec_level(Decimal(d), schemes[scheme]) == level


@pytest.mark.parametrize("scheme", ["default", "alternative"])
@pytest.mark.parametrize(
    "r, level",
    [(25, R), (20, R), (16, OR), (15, OR), (12, OR), (10, OR), (9, Y), (4, Y), (3, B), (1, B)],
)
def test_it_grades_ls_at_every_boundary(schemes, scheme, r, level):
    assert ls_level(r, schemes[scheme]) == level


def test_it_grades_real_lec_products_at_the_edges(schemes):
    # 6 × 6 × 7 = 252 (orange by default, red in the alternative); 10 × 6 × 40 = 2400 red;
    # 3 × 6 × 1 = 18 blue in both; 3 × 6 × 3 = 54 blue by default, yellow in the alternative.
    cases = [(6 * 6 * 7, OR, R), (10 * 6 * 40, R, R), (3 * 6 * 1, B, B), (3 * 6 * 3, B, Y)]
    for d, default, alternative in cases:
        assert lec_level(Decimal(d), schemes["default"]) == default
        assert lec_level(Decimal(d), schemes["alternative"]) == alternative


def test_it_ships_one_active_scheme_and_both_accident_code_sets(db):
    assert GradingScheme.objects.filter(is_active=True).get().code == "default"
    assert AccidentType.objects.filter(code_set__code="GB/T 6441-1986").count() == 20
    new = AccidentType.objects.filter(code_set__code="GB 6441-2025")
    assert new.count() == 27
    assert new.get(code="WSA10009").name == "火灾"
    assert new.get(code="WSA10099").name == "其他"


def test_it_ships_the_value_lists_and_tables_with_sources(db):
    assert sorted(LecValue.objects.filter(factor="C").values_list("value", flat=True)) == [
        Decimal(v) for v in ("1", "3", "7", "15", "40", "100")
    ]
    assert HazardousSubstance.objects.get(name="氯").effective_beta == 4
    assert HazardousSubstance.objects.get(name="氢").effective_beta == Decimal("1.5")
    assert HazardCategory.objects.get(code="W5.4").critical_quantity == 5000
    for model in (LecValue, HazardCategory, HazardousSubstance, AccidentType):
        assert not model.objects.filter(source="").exists()


def test_it_refuses_a_second_active_scheme(db):
    from django.db import IntegrityError

    alternative = GradingScheme.objects.get(code="alternative")
    alternative.is_active = True
    with pytest.raises(IntegrityError):
        alternative.save()

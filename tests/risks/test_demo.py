"""The demo risk data: graded points, a major hazard installation, idempotent seeding."""

from safeloop.demo.seed import seed
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit, RiskPoint


def test_it_seeds_risks_once_and_rolls_them_up(db, demo):
    seed()
    assert RiskPoint.objects.count() == 4
    unit = HazardUnit.objects.get()
    # 煤气 30 t (Q 20, β 2) → 1.5 / 3; 氧 120 t (Q 200, β 1) → 0.6 / 0.6; S = 2.1;
    # α(60) = 1.5; R = 1.5 × 3.6 = 5.4 → 四级
    assert (str(unit.s_value), str(unit.r_value), unit.grade) == ("2.1000", "5.4000", 4)
    metallurgy = EnterpriseRiskProfile.objects.get(enterprise=unit.enterprise)
    assert metallurgy.level == "red" and metallurgy.major_hazard
    assert RiskPoint.objects.filter(level="red", current_assessment__direct_reason="people_30")

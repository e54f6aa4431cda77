"""Training, retrodiction with and without a planted signal, and the score in targeting."""

from datetime import date

import pytest

from safeloop.core.services import NotPermitted
from safeloop.inspections import services as inspection_services
from safeloop.inspections.models import PlanTarget
from safeloop.orgs.roles import Role
from safeloop.prediction import services
from safeloop.prediction.choices import Target
from safeloop.prediction.models import ModelRecord, ScoringRule
from tests.prediction.conftest import END, plant

CUTOFF = date(2025, 12, 1)


def test_training_is_reproducible_and_kept_as_a_small_record(world, planted):
    admin = world.user(Role.CITY_ADMIN)
    a = services.train(actor=admin, cutoff=CUTOFF, target=Target.MAJOR, seed=3)
    b = services.train(actor=admin, cutoff=CUTOFF, target=Target.MAJOR, seed=3)
    assert (a.version, b.version) == (1, 2)
    assert a.parameters == b.parameters and a.features == b.features
    assert a.metrics["holdout_auc"] > 0.6
    assert "credit_grade" not in a.features and "overdue_open" in a.features
    assert len(str(a.parameters)) < 2000


def test_only_an_administrator_trains(world, planted):
    with pytest.raises(NotPermitted):
        services.train(actor=world.user(Role.CITY_INSPECTOR), cutoff=CUTOFF)


def test_with_the_planted_signal_the_model_beats_chance(world, planted):
    result = services.evaluate(actor=world.user(Role.CITY_ADMIN), cutoff=CUTOFF, months=6)
    major = result.results["major"]
    assert result.results["majors"] > 20
    assert major["model"]["20"] > major["random_mean"]["20"] + 0.1
    assert result.results["days_sooner"]["model"] > result.results["days_sooner"]["random"]


def test_without_a_signal_the_model_does_no_better_than_chance(world):
    plant(world, count=400, signal=False)
    result = services.evaluate(actor=world.user(Role.CITY_ADMIN), cutoff=CUTOFF, months=6)
    major = result.results["major"]
    assert abs(major["model"]["20"] - 0.2) < 0.12
    assert abs(major["model"]["10"] - 0.1) < 0.1


def test_the_score_adds_explained_targets_and_coverage_still_holds(world, planted):
    admin = world.user(Role.CITY_ADMIN)
    plan = inspection_services.create_plan(
        actor=admin,
        title="下季度",
        kind="comprehensive",
        region=world.city,
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
    )
    ScoringRule.objects.update(enabled=False)
    inspection_services.generate_targets(plan=plan, actor=admin, today=END)
    rules_only = {t.enterprise_id: set(t.reasons) for t in PlanTarget.objects.filter(plan=plan)}
    services.train(actor=admin, cutoff=END, target=Target.MAJOR)
    services.add_rule(
        actor=admin,
        effective_from=date(2026, 6, 1),
        source="试行",
        enabled=True,
        target="major",
        top_share_percent=10,
        min_probability="0.01",
        explained_terms=3,
    )
    plan.refresh_from_db()
    inspection_services.generate_targets(plan=plan, actor=admin, today=END)
    with_score = {t.enterprise_id: t for t in PlanTarget.objects.filter(plan=plan)}
    # nothing the rules chose is lost (coverage included), and their reasons stay
    for eid, reasons in rules_only.items():
        assert reasons <= set(with_score[eid].reasons)
    predicted = [t for t in with_score.values() if "prediction" in t.reasons]
    assert predicted, "the score named no one"
    assert len(predicted) <= 0.1 * 403 + 1
    for t in with_score.values():
        assert t.reason_text.strip()
    for t in predicted:
        assert "预测发现隐患概率" in t.reason_text and "(+0." in t.reason_text
    assert ModelRecord.latest(Target.MAJOR).cutoff == END

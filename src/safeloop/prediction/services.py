"""Every write of predictive targeting: a scoring-rule version, a trained model, a retrodiction."""

from datetime import date

from django.utils.translation import gettext as _

from safeloop.core.services import allow, require, service
from safeloop.prediction import evaluation, learning
from safeloop.prediction.choices import Target
from safeloop.prediction.models import RULE_EDITORS, Evaluation, ModelRecord, ScoringRule

RULE_FIELDS = {
    "effective_from",
    "source",
    "enabled",
    "target",
    "top_share_percent",
    "min_probability",
    "explained_terms",
}


def _admin(actor) -> None:
    allow(actor is None or bool(actor.roles & RULE_EDITORS), _("Only an administrator."))


@service
def add_rule(*, actor, **fields) -> ScoringRule:
    """A new version of how the score enters targeting; older versions stay for the history."""
    _admin(actor)
    rule = ScoringRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    require(rule.source.strip(), _("Give the source of the rule."), "source")
    require(
        not ScoringRule.objects.filter(effective_from=rule.effective_from).exists(),
        _("A rule already starts on that day."),
        "effective_from",
    )
    rule.full_clean()
    rule.save(action="prediction.rule.add", actor=actor)
    return rule


@service
def train(*, actor, cutoff: date, target: str = Target.MAJOR, seed: int = 0) -> ModelRecord:
    """Fit one model on the inspections before `cutoff` and keep it as a new version."""
    _admin(actor)
    require(target in Target.values, _("Choose what to predict."), "target")
    data = learning.dataset(cutoff)
    require(len(data.enterprise_ids) > 0, _("No inspections before the cut-off."), "cutoff")
    try:
        fitted = learning.fit(data, target, seed=seed)
    except ValueError:
        require(False, _("The history has only one outcome; nothing to learn."), "cutoff")
    last = ModelRecord.objects.order_by("-version").values_list("version", flat=True).first()
    record = ModelRecord(
        version=(last or 0) + 1,
        target=target,
        cutoff=cutoff,
        seed=seed,
        features=fitted["features"],
        parameters=fitted["parameters"],
        metrics=fitted["metrics"],
        rows=fitted["metrics"]["rows"],
        positives=fitted["metrics"]["positives"],
        library=fitted["library"],
    )
    record.save(action="prediction.model.train", actor=actor)
    return record


@service
def evaluate(*, actor, cutoff: date, months: int = 6, seed: int = 0) -> Evaluation:
    """Train both models up to `cutoff` and replay the following `months`."""
    _admin(actor)
    require(1 <= months <= 24, _("Replay between 1 and 24 months."), "months")
    major = train(actor=actor, cutoff=cutoff, target=Target.MAJOR, seed=seed)
    any_ = train(actor=actor, cutoff=cutoff, target=Target.ANY, seed=seed)
    results = evaluation.replay(
        cutoff,
        months,
        {"features": major.features, "parameters": major.parameters},
        {"features": any_.features, "parameters": any_.parameters},
        seed=seed,
    )
    record = Evaluation(
        model_major=major, model_any=any_, cutoff=cutoff, months=months, results=results
    )
    record.save(action="prediction.evaluate", actor=actor)
    return record

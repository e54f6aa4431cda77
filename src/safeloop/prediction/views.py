"""The predictive-targeting screens: the retrodiction report (charts of the newest evaluation,
the models kept) and the scoring rule's versions, which an administrator adds to."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safeloop.core.views import attempt_form
from safeloop.orgs.roles import REGULATORS
from safeloop.prediction import services
from safeloop.prediction.features import FEATURES
from safeloop.prediction.forms import RuleForm
from safeloop.prediction.models import RULE_EDITORS, Evaluation, ModelRecord, ScoringRule


def _regulator(user) -> None:
    if not user.roles & REGULATORS:
        raise PermissionDenied


@login_required
def report(request):
    _regulator(request.user)
    evaluation = Evaluation.objects.select_related("model_major", "model_any").first()
    chart = None
    if evaluation is not None:
        r = evaluation.results
        chart = {
            "labels": {
                "model": _("Prediction model"),
                "rules": _("Rule-based plan"),
                "random": _("Random choice"),
            },
            "shares": {k: r["major"][k] for k in ("model", "rules", "random")},
            "curves": r["curves"],
            "days": r["days_sooner"],
            "x": _("Share of enterprises inspected"),
            "y": _("Share of major hidden dangers found"),
        }
    names = {f.name: f for f in FEATURES}
    models = list(ModelRecord.objects.all()[:10])
    weights = []
    if models:
        latest = ModelRecord.latest("major")
        if latest is not None:
            weights = sorted(
                (
                    {"feature": names[n], "coef": c}
                    for n, c in zip(latest.features, latest.parameters["coef"], strict=True)
                ),
                key=lambda w: -abs(w["coef"]),
            )
    return render(
        request,
        "prediction/report.html",
        {
            "evaluation": evaluation,
            "chart": json.dumps(chart, ensure_ascii=False) if chart else "",
            "models": models,
            "weights": weights,
            "features": FEATURES,
            "rule": ScoringRule.objects.first(),
        },
    )


@login_required
def rules(request):
    _regulator(request.user)
    may_edit = bool(request.user.roles & RULE_EDITORS)
    form = RuleForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        done = attempt_form(request, form, services.add_rule, actor=request.user)
        if done:
            messages.success(request, _("Rule added."))
            return redirect("prediction-rules")
        status = done.status
    return render(
        request,
        "prediction/rules.html",
        {"form": form, "history": ScoringRule.objects.all()[:60]},
        status=status,
    )

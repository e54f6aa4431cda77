"""The regulators' screen of rewards (/public-reports/rewards/): the list by state, and the
moves of the public_reward lifecycle, each posted with the version read."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.orgs.roles import ADMINS
from safeloop.public import rewards
from safeloop.public.choices import RewardState
from safeloop.public.models import PublicReport, Reward
from safeloop.public.workflow import REWARD_WORKFLOW

PAGE_SIZE = 50


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
    payment_reference = forms.CharField(
        label=_("payment reference"), max_length=100, required=False
    )


class ProposeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    fine = forms.DecimalField(
        label=_("fine imposed (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("For a major hidden danger the reward is a share of the fine it led to."),
    )


@login_required
def reward_list(request):
    state = request.GET.get("state", "")
    if state not in RewardState.values:
        state = ""
    rows = Reward.objects.for_user(request.user, "view").select_related("report")
    if state:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/rewards.html",
        {"page": page, "state": state, "states": RewardState.choices},
    )


@login_required
def propose(request, pk):
    report = get_for_user_or_404(PublicReport, request.user, pk)
    if request.method != "POST":
        return redirect("public-triage-detail", pk=report.pk)
    form = ProposeForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            request,
            rewards.propose,
            report=report,
            actor=request.user,
            version=form.cleaned_data["version"],
            fine=form.cleaned_data["fine"],
        )
        if outcome.ok:
            return redirect("public-reward", pk=outcome.value.pk)
        return redirect("public-triage-detail", pk=report.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("public-triage-detail", pk=report.pk)


MOVES = {
    "approve": (rewards.approve, ()),
    "refuse": (rewards.refuse, ("note",)),
    "pay": (rewards.pay, ("payment_reference",)),
}


@login_required
def reward_detail(request, pk):
    reward = get_for_user_or_404(Reward, request.user, pk)
    form = MoveForm(initial={"version": reward.version})
    status = 200
    if request.method == "POST":
        move = request.POST.get("move", "")
        form = MoveForm(request.POST)
        status = 400
        if move in MOVES and form.is_valid():
            func, extra = MOVES[move]
            data = {name: form.cleaned_data[name] for name in extra}
            outcome = attempt(
                request,
                func,
                reward=reward,
                actor=request.user,
                version=form.cleaned_data["version"],
                form=form,
                **data,
            )
            if outcome.ok:
                return redirect("public-reward", pk=reward.pk)
            status = outcome.status
    approver = bool(request.user.roles & ADMINS) and request.user.pk != reward.proposed_by_id
    moves = REWARD_WORKFLOW.moves_for(reward.state, {"approver"} if approver else set())
    return render(
        request,
        "public/reward.html",
        {"reward": reward, "form": form, "moves": moves},
        status=status,
    )

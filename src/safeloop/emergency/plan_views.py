"""The preparedness pages: enterprises' emergency plans filed with their county (list,
submission, review, revision) and drills (planned, held with photos, evaluated, cancelled),
and the list of enterprises whose preparedness falls short. Reads go through `for_user`;
writes through the services, whose errors `core.views.attempt` answers as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.emergency import plan_services, selectors
from safeloop.emergency.filters import DrillFilter, PlanFilter
from safeloop.emergency.forms import (
    CancelForm,
    DrillPlanForm,
    EvaluateForm,
    HoldForm,
    PlanForm,
    ReviewForm,
    ReviseForm,
)
from safeloop.emergency.models import DrillPhoto
from safeloop.orgs.roles import ENTERPRISE_STAFF


def _may_file(user) -> bool:
    return bool(user.roles & ENTERPRISE_STAFF)


def _filtered(request, filter_class, rows):
    filterset = filter_class(request.GET, queryset=rows)
    if filterset.is_valid():
        return filterset, filterset.qs, 200
    return filterset, rows.none(), 400


@login_required
def plan_list(request):
    filterset, rows, status = _filtered(request, PlanFilter, selectors.plans_for(request.user))
    page = Paginator(rows.order_by("state", "revise_by", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "emergency/plan_list.html",
        {
            "filter": filterset.form,
            "page": page,
            "today": timezone.localdate(),
            "may_file": _may_file(request.user),
        },
        status=status,
    )


@login_required
def plan_create(request):
    if not _may_file(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, plan_services.submit_plan, actor=request.user)
        if done:
            messages.success(request, _("Plan submitted for filing."))
            return redirect("emergency-plan-detail", pk=done.value.pk)
        status = done.status
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": _("Submit an emergency plan for filing")},
        status=status,
    )


def _plan(request, pk, action="view"):
    return get_for_user_or_404(selectors.plans_for(request.user), request.user, pk, action)


def _plan_page(request, plan, forms=None, status=200):
    forms = forms or {}
    moves = plan_services.plan_moves(plan, request.user)
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "p": plan,
            "today": timezone.localdate(),
            "moves": moves,
            "drills": plan.drills.order_by("-planned_on", "-pk"),
            "review_form": forms.get("review") or ReviewForm(initial={"version": plan.version}),
            "revise_form": forms.get("revise")
            or ReviseForm(
                initial={"version": plan.version, "document": plan.document_id},
                user=request.user,
                enterprise=plan.enterprise,
            ),
        },
        status=status,
    )


@login_required
def plan_detail(request, pk):
    return _plan_page(request, _plan(request, pk))


@login_required
@require_POST
def plan_review(request, pk):
    plan = _plan(request, pk, "change")
    form = ReviewForm(request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        func = (
            plan_services.file_plan if data.pop("decision") == "file" else plan_services.return_plan
        )
        done = attempt(request, func, form=form, actor=request.user, plan=plan, **data)
        if done:
            messages.success(request, _("Review recorded."))
            return redirect("emergency-plan-detail", pk=pk)
        status = done.status
    return _plan_page(request, _plan(request, pk), {"review": form}, status)


@login_required
@require_POST
def plan_revise(request, pk):
    plan = _plan(request, pk, "change")
    form = ReviseForm(request.POST, user=request.user, enterprise=plan.enterprise)
    status = 400
    if form.is_valid():
        func = plan_services.revise_plan if plan.state == "filed" else plan_services.resubmit_plan
        done = attempt(request, func, form=form, actor=request.user, plan=plan, **form.cleaned_data)
        if done:
            messages.success(request, _("Plan submitted for filing."))
            return redirect("emergency-plan-detail", pk=pk)
        status = done.status
    return _plan_page(request, _plan(request, pk), {"revise": form}, status)


@login_required
def drill_list(request):
    filterset, rows, status = _filtered(request, DrillFilter, selectors.drills_for(request.user))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/drill_list.html",
        {"filter": filterset.form, "page": page, "may_plan": _may_file(request.user)},
        status=status,
    )


@login_required
def drill_create(request):
    if not _may_file(request.user):
        raise PermissionDenied
    form = DrillPlanForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, plan_services.plan_drill, actor=request.user)
        if done:
            messages.success(request, _("Drill planned."))
            return redirect("emergency-drill-detail", pk=done.value.pk)
        status = done.status
    elif request.GET.get("plan"):
        form.initial["plan"] = request.GET["plan"]
    return render(
        request, "emergency/form.html", {"form": form, "title": _("Plan a drill")}, status=status
    )


def _drill(request, pk, action="view"):
    return get_for_user_or_404(selectors.drills_for(request.user), request.user, pk, action)


def _drill_page(request, drill, forms=None, status=200):
    forms = forms or {}
    initial = {"version": drill.version}
    return render(
        request,
        "emergency/drill_detail.html",
        {
            "d": drill,
            "moves": plan_services.drill_moves(drill, request.user),
            "photos": drill.photos.all(),
            "improvements": drill.improvements.select_related("hazard"),
            "hold_form": forms.get("hold") or HoldForm(initial=initial),
            "evaluate_form": forms.get("evaluate") or EvaluateForm(initial=initial),
            "cancel_form": forms.get("cancel") or CancelForm(initial=initial),
        },
        status=status,
    )


@login_required
def drill_detail(request, pk):
    return _drill_page(request, _drill(request, pk))


MOVES = {
    "hold": (HoldForm, plan_services.hold_drill, gettext_lazy("Drill recorded as held.")),
    "evaluate": (EvaluateForm, plan_services.evaluate_drill, gettext_lazy("Evaluation recorded.")),
    "cancel": (CancelForm, plan_services.cancel_drill, gettext_lazy("Drill cancelled.")),
}


@login_required
@require_POST
def drill_move(request, pk, move):
    if move not in MOVES:
        raise Http404
    drill = _drill(request, pk, "change")
    form_class, func, message = MOVES[move]
    form = form_class(request.POST, request.FILES)
    done = attempt_form(request, form, func, actor=request.user, drill=drill)
    if done:
        messages.success(request, message)
        return redirect("emergency-drill-detail", pk=pk)
    status = done.status
    return _drill_page(request, _drill(request, pk), {move: form}, status)


@login_required
def drill_photo(request, pk, photo_pk):
    drill = _drill(request, pk)
    stored = get_object_or_404(DrillPhoto, pk=photo_pk, drill=drill)
    file = stored.thumbnail if request.GET.get("size") == "thumb" else stored.image
    response = FileResponse(file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def gaps(request):
    rows = selectors.preparedness_gaps(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "emergency/gaps.html", {"page": page})

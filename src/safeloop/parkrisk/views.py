"""The park assessment screens: the list (with the parks whose assessment is missing or
overdue, and the form to start one), one assessment (indicators, texts, moves, measures, the
PDF report one tap away) and the due-day rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.documents import pdf_response
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404, put_errors
from safeloop.parkrisk import selectors, services
from safeloop.parkrisk.choices import EDITABLE_STATES
from safeloop.parkrisk.documents import report_pdf
from safeloop.parkrisk.filters import AssessmentFilter
from safeloop.parkrisk.forms import (
    AssessmentForm,
    MeasureForm,
    MeasureNoteForm,
    NoteForm,
    RuleForm,
    StartForm,
)
from safeloop.parkrisk.models import RULE_EDITORS, VIEWERS, AssessmentRule
from safeloop.parkrisk.workflow import ASSESSMENT_WORKFLOW, MEASURE_WORKFLOW, PARK, actor_kinds

PAGE_SIZE = 50


def _viewer(user) -> None:
    if not user.roles & VIEWERS:
        raise PermissionDenied(_("Park risk assessments are for regulators."))


@login_required
def assessment_list(request):
    _viewer(request.user)
    parks = selectors.parks_for(request.user)
    officer = any(g.role == "park_officer" for g in request.user.grants())
    form = StartForm(request.POST or None, parks=parks) if officer else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("A park officer starts the park's assessment."))
        done = attempt_form(request, form, services.start_assessment, actor=request.user)
        if done:
            messages.success(request, _("Assessment started."))
            return redirect("parkrisk-assessment", done.value.pk)
        status = done.status
    found = AssessmentFilter(request.GET or None, queryset=selectors.assessments_for(request.user))
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parkrisk/list.html",
        {
            "filter": found,
            "page": page,
            "form": form,
            "missing": selectors.missing(timezone.localdate(), parks),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _page(request, assessment, *, status=200, edit_form=None, note_form=None, measure_form=None):
    user = request.user
    kinds = actor_kinds(user, assessment)
    moves = ASSESSMENT_WORKFLOW.moves_for(assessment.state, kinds)
    may_edit = "edit" in moves
    if may_edit and edit_form is None:
        edit_form = AssessmentForm(
            initial={
                "experts": assessment.experts,
                "expert_opinion": assessment.expert_opinion,
                "overall_level": assessment.overall_level,
                "conclusion": assessment.conclusion,
                "version": assessment.version,
            }
        )
    may_add = PARK in kinds and assessment.state in EDITABLE_STATES
    if may_add and measure_form is None:
        measure_form = MeasureForm()
    measures = list(assessment.measures.prefetch_related("follow_ups"))
    for measure in measures:
        measure.moves = MEASURE_WORKFLOW.moves_for(measure.state, kinds)  # type: ignore[attr-defined]
    return render(
        request,
        "parkrisk/detail.html",
        {
            "assessment": assessment,
            "figures": selectors.figures_of(assessment),
            "moves": [m for m in moves if m != "edit"],
            "edit_form": edit_form if may_edit else None,
            "note_form": note_form or NoteForm(initial={"version": assessment.version}),
            "measure_form": measure_form if may_add else None,
            "measures": measures,
            "workflow": ASSESSMENT_WORKFLOW,
        },
        status=status,
    )


def _assessment(request, pk):
    return get_for_user_or_404(selectors.assessments_for(request.user), request.user, pk)


@login_required
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    if request.method != "POST":
        return _page(request, assessment)
    if request.POST.get("form") == "measure":
        form = MeasureForm(request.POST)
        done = attempt_form(
            request, form, services.add_measure, actor=request.user, assessment=assessment
        )
        if done:
            messages.success(request, _("Measure added."))
            return redirect("parkrisk-assessment", assessment.pk)
        return _page(request, assessment, status=done.status, measure_form=form)
    form = AssessmentForm(request.POST)
    done = attempt_form(
        request, form, services.edit_assessment, actor=request.user, assessment=assessment
    )
    if done:
        messages.success(request, _("Saved."))
        return redirect("parkrisk-assessment", assessment.pk)
    return _page(request, assessment, status=done.status, edit_form=form)


MOVES = {
    "submit": services.submit,
    "review": services.review,
    "return": services.return_assessment,
    "approve": services.approve,
}
MOVE_DONE = {
    "submit": _("Submitted for review."),
    "review": _("Review passed."),
    "return": _("Returned for revision."),
    "approve": _("Approved: the indicators are frozen."),
}


@login_required
@require_POST
def assessment_move(request, pk, move):
    if move not in MOVES:
        raise Http404
    assessment = _assessment(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, assessment, status=400, note_form=form)
    extra = {"note": form.cleaned_data["note"]} if move in ("review", "return") else {}
    done = attempt(
        request,
        MOVES[move],
        actor=request.user,
        assessment=assessment,
        version=form.cleaned_data["version"],
        form=form,
        **extra,
    )
    if done:
        messages.success(request, str(MOVE_DONE[move]))
        return redirect("parkrisk-assessment", assessment.pk)
    if done.status == 400 and move == "submit":
        # The texts the submission needs are the edit form's fields: show the errors there.
        edit = AssessmentForm(
            {
                "experts": assessment.experts,
                "expert_opinion": assessment.expert_opinion,
                "overall_level": assessment.overall_level,
                "conclusion": assessment.conclusion,
                "version": assessment.version,
            }
        )
        edit.is_valid()
        put_errors(edit, done.error)
        return _page(request, assessment, status=400, edit_form=edit)
    return _page(request, assessment, status=done.status, note_form=form)


MEASURE_MOVES = {
    "follow_up": services.follow_up,
    "close": services.close_measure,
    "reopen": services.reopen_measure,
}
MEASURE_DONE = {
    "follow_up": _("Progress recorded."),
    "close": _("Measure closed."),
    "reopen": _("Measure reopened."),
}


@login_required
@require_POST
def measure_move(request, pk, move):
    if move not in MEASURE_MOVES:
        raise Http404
    measure = get_for_user_or_404(selectors.measures_for(request.user), request.user, pk)
    form = MeasureNoteForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            MEASURE_MOVES[move],
            actor=request.user,
            measure=measure,
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
            form=form,
        )
        if done:
            messages.success(request, str(MEASURE_DONE[move]))
            return redirect("parkrisk-assessment", measure.assessment_id)
        status = done.status
    else:
        status = 400
    for message in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, message)
    return _page(request, measure.assessment, status=status)


@login_required
def report(request, pk):
    assessment = _assessment(request, pk)
    return pdf_response(
        report_pdf(assessment), f"园区风险评估-{assessment.park.name}-{assessment.year}.pdf"
    )


@login_required
def rules(request):
    _viewer(request.user)
    may_edit = bool(request.user.roles & RULE_EDITORS)
    form = RuleForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        done = attempt_form(request, form, services.add_rule, actor=request.user)
        if done:
            messages.success(request, _("Rule added."))
            return redirect("parkrisk-rules")
        status = done.status
    return render(
        request,
        "parkrisk/rules.html",
        {
            "form": form,
            "in_force": AssessmentRule.in_force(),
            "history": AssessmentRule.objects.all()[:60],
        },
        status=status,
    )

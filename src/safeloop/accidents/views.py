"""The accident pages: scoped list with filters and Excel export, detail, report, correct
and void. Reads through `for_user`; writes through the services, whose errors are answered
by `core.views.attempt` as the API answers them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.accidents import chain, selectors, services
from safeloop.accidents.filters import AccidentFilter, screen_query
from safeloop.accidents.forms import AccidentForm, VoidForm
from safeloop.accidents.investigation import case_moves
from safeloop.accidents.models import Accident, Investigation
from safeloop.core.documents import workbook_response
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.enterprises.models import Enterprise


def _filtered(request):
    """The list's filter (shared with the API) over the user's accidents; 400 when invalid."""
    filterset = AccidentFilter(
        screen_query(request.GET), queryset=selectors.accidents_for(request.user)
    )
    if filterset.is_valid():
        return filterset, filterset.qs, 200
    return filterset, filterset.queryset.none(), 400


@login_required
def accident_list(request):
    filterset, accidents, status = _filtered(request)
    page = Paginator(accidents, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_report = Enterprise.objects.for_user(request.user, "change").exists()
    return render(
        request,
        "accidents/list.html",
        {
            "filter": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "may_report": may_report,
        },
        status=status,
    )


@login_required
def accident_export(request):
    _filterset, accidents, status = _filtered(request)
    if status != 200:
        return accident_list(request)
    header = [
        _("enterprise"),
        _("occurred at"),
        _("place"),
        _("grade"),
        _("deaths"),
        _("missing"),
        _("serious injuries (incl. acute poisoning)"),
        _("minor injuries"),
        _("estimated direct loss (CNY)"),
        _("reported at"),
        _("reported late"),
        _("voided"),
    ]
    rows = (
        [
            a.enterprise.name,
            a.occurred_at,
            a.place,
            a.get_grade_display(),
            a.deaths,
            a.missing,
            a.serious_injuries,
            a.minor_injuries,
            a.direct_loss,
            a.reported_at,
            _("yes") if a.reported_late else _("no"),
            _("yes") if a.voided else _("no"),
        ]
        for a in accidents.iterator(chunk_size=2000)
    )
    stamp = timezone.localdate().isoformat()
    return workbook_response(f"accidents-{stamp}.xlsx", [(_("Accidents"), header, rows)])


def _accident(request, pk, action: str = "view") -> Accident:
    """404 outside the user's scope; 403 when seen but `action` is not theirs."""
    return get_for_user_or_404(selectors.accidents_for(request.user), request.user, pk, action)


def _detail(request, accident: Accident, void_form=None, status=200):
    moves = services.allowed_moves(accident, request.user)
    if "void" in moves and void_form is None:
        void_form = VoidForm(initial={"version": accident.version})
    now = timezone.now()
    steps = list(accident.steps.all())
    for step in steps:
        step.is_overdue = step.overdue(now)
    investigation = Investigation.objects.filter(accident=accident).first()
    return render(
        request,
        "accidents/detail.html",
        {
            "a": accident,
            "may_change": "correct" in moves,
            "void_form": void_form if "void" in moves else None,
            "steps": steps,
            "may_report_levels": chain.levels_for(request.user, steps),
            "revisions": accident.revisions.all(),
            "window_closes": services.window_closes(accident),
            "investigation": investigation,
            "may_open": "open" in case_moves(investigation, accident, request.user),
            # Planners decide on the inspections side (403 there for the others).
            "may_propose": "void" in moves,
        },
        status=status,
    )


@login_required
def accident_detail(request, pk):
    return _detail(request, _accident(request, pk))


@login_required
def accident_create(request):
    if not Enterprise.objects.for_user(request.user, "change").exists():
        raise PermissionDenied
    form = AccidentForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done = attempt(
                request,
                services.record,
                form=form,
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                **form.changes(),
            )
            if done:
                messages.success(request, _("Accident reported."))
                return redirect("accident-detail", pk=done.value.pk)
            status = done.status
    return render(request, "accidents/form.html", {"form": form, "a": None}, status=status)


@login_required
def accident_edit(request, pk):
    accident = _accident(request, pk, "change")
    if "correct" not in services.allowed_moves(accident, request.user):
        if not accident.voided:
            raise PermissionDenied
        # The state has no correction (409), as the service would answer.
        messages.error(request, _("This accident record was voided."))
        return _detail(request, accident, status=409)
    form = AccidentForm(request.POST or None, instance=accident, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done = attempt(
                request,
                services.update,
                form=form,
                actor=request.user,
                accident=accident,
                version=form.cleaned_data.get("version"),
                **form.changes(),
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("accident-detail", pk=accident.pk)
            status = done.status
    return render(request, "accidents/form.html", {"form": form, "a": accident}, status=status)


@login_required
@require_POST
def accident_report_onward(request, pk):
    accident = _accident(request, pk)
    done = attempt(
        request,
        services.report_onward,
        actor=request.user,
        accident=accident,
        level=request.POST.get("level", ""),
        note=request.POST.get("note", ""),
    )
    if done:
        messages.success(request, _("The onward report was recorded."))
        return redirect("accident-detail", pk=pk)
    return _detail(request, _accident(request, pk), status=done.status)


@login_required
@require_POST
def accident_void(request, pk):
    accident = _accident(request, pk, "void")
    form = VoidForm(request.POST)
    done = attempt_form(request, form, services.void, actor=request.user, accident=accident)
    if done:
        messages.success(request, _("The record was voided."))
        return redirect("accident-detail", pk=pk)
    status = done.status
    accident = _accident(request, pk, "void")
    if "void" not in services.allowed_moves(accident, request.user):
        # Voided meanwhile: the move is gone; say why above the record.
        for error in form.non_field_errors():
            messages.error(request, error)
    return _detail(request, accident, void_form=form, status=status)

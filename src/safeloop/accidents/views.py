"""The accident pages: scoped list with filters and Excel export, detail, report, correct
and void. Reads through `for_user`; writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.accidents import selectors, services
from safeloop.accidents.forms import AccidentFilterForm, AccidentForm, VoidForm
from safeloop.core.documents import workbook_response
from safeloop.core.errors import Conflict
from safeloop.core.scoping import can
from safeloop.enterprises.models import Enterprise


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def _filtered(request):
    form = AccidentFilterForm(request.GET or None)
    accidents = selectors.accidents_for(request.user)
    if form.is_valid():
        if form.cleaned_data["year"]:
            accidents = accidents.filter(occurred_at__year=form.cleaned_data["year"])
        if form.cleaned_data["grade"]:
            accidents = accidents.filter(grade=form.cleaned_data["grade"])
        if not form.cleaned_data["voided"]:
            accidents = accidents.filter(voided=False)
    else:
        accidents = accidents.filter(voided=False)
    return form, accidents


@login_required
def accident_list(request):
    form, accidents = _filtered(request)
    page = Paginator(accidents, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_report = Enterprise.objects.for_user(request.user, "change").exists()
    return render(
        request,
        "accidents/list.html",
        {"filter": form, "page": page, "query": query.urlencode(), "may_report": may_report},
    )


@login_required
def accident_export(request):
    _form, accidents = _filtered(request)
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


@login_required
def accident_detail(request, pk):
    accident = get_object_or_404(selectors.accidents_for(request.user), pk=pk)
    may_void = not accident.voided and can(request.user, "void", accident)
    return render(
        request,
        "accidents/detail.html",
        {
            "a": accident,
            "may_change": not accident.voided and can(request.user, "change", accident),
            "void_form": VoidForm(initial={"version": accident.version}) if may_void else None,
        },
    )


@login_required
def accident_create(request):
    if not Enterprise.objects.for_user(request.user, "change").exists():
        raise PermissionDenied
    form = AccidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            accident = services.record(
                actor=request.user, enterprise=form.cleaned_data["enterprise"], **form.changes()
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Accident reported."))
            return redirect("accident-detail", pk=accident.pk)
    return render(request, "accidents/form.html", {"form": form, "a": None})


@login_required
def accident_edit(request, pk):
    accident = get_object_or_404(selectors.accidents_for(request.user), pk=pk)
    if accident.voided or not can(request.user, "change", accident):
        raise PermissionDenied
    form = AccidentForm(request.POST or None, instance=accident, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(
                actor=request.user,
                accident=accident,
                version=form.cleaned_data.get("version"),
                **form.changes(),
            )
        except Conflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accident-detail", pk=accident.pk)
    return render(request, "accidents/form.html", {"form": form, "a": accident})


@login_required
@require_POST
def accident_void(request, pk):
    accident = get_object_or_404(selectors.accidents_for(request.user), pk=pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
        return redirect("accident-detail", pk=pk)
    try:
        services.void(actor=request.user, accident=accident, **form.cleaned_data)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The record was voided."))
    return redirect("accident-detail", pk=pk)

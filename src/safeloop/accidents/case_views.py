"""The investigation screen of an accident: read it, open or complete it, add corrective
measures (each a hidden danger), close the case with the report (PDF), download the report.
Writes go through `accidents.investigation`; its errors are answered by `attempt`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.accidents import investigation as cases
from safeloop.accidents import selectors
from safeloop.accidents.models import Investigation
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.hazards.choices import Level

TEXT = forms.Textarea(attrs={"rows": 3})


class CaseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Investigation
        fields = list(cases.FIELDS)
        widgets = {name: TEXT for name in cases.FIELDS if name != "concealment"}


class MeasureForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("corrective measure"), widget=TEXT)
    deadline = forms.DateField(
        label=gettext_lazy("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    level = forms.ChoiceField(
        label=gettext_lazy("hidden danger level"), choices=Level.choices, initial=Level.GENERAL
    )


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.FileField(
        label=gettext_lazy("investigation report (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


def _page(
    request, accident, case, *, case_form=None, measure_form=None, close_form=None, status=200
):
    moves = cases.case_moves(case, accident, request.user)
    editable = "open" in moves or "edit" in moves
    if editable and case_form is None:
        case_form = CaseForm(instance=case, initial={"version": case.version if case else None})
    if "add_measure" in moves and measure_form is None:
        measure_form = MeasureForm()
    if "close" in moves and close_form is None:
        close_form = CloseForm(initial={"version": case.version})
    return render(
        request,
        "accidents/investigation.html",
        {
            "a": accident,
            "case": case,
            "measures": case.measures.select_related("hazard") if case else [],
            "checklist": cases.checklist(case) if case else {},
            "case_form": case_form if editable else None,
            "measure_form": measure_form if "add_measure" in moves else None,
            "close_form": close_form if "close" in moves else None,
        },
        status=status,
    )


@login_required
def investigation(request, pk):
    accident = get_for_user_or_404(selectors.accidents_for(request.user), request.user, pk)
    case = Investigation.objects.filter(accident=accident).first()
    if request.method != "POST":
        if case is None and not cases.case_moves(None, accident, request.user):
            raise Http404
        return _page(request, accident, case)
    what = request.POST.get("form")
    if what == "case":
        form = CaseForm(request.POST, instance=case)
        status = 400
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in cases.FIELDS}
            if case is None:
                done = attempt(
                    request,
                    cases.open_case,
                    form=form,
                    actor=request.user,
                    accident=accident,
                    **data,
                )
            else:
                done = attempt(
                    request,
                    cases.edit_case,
                    form=form,
                    actor=request.user,
                    investigation=case,
                    version=form.cleaned_data.get("version"),
                    **data,
                )
            if done:
                messages.success(request, _("Saved."))
                return redirect("accident-investigation", pk=pk)
            status = done.status
        if case is None and not cases.case_moves(None, accident, request.user):
            raise PermissionDenied
        return _page(request, accident, case, case_form=form, status=status)
    if case is None:
        raise Http404
    if what == "measure":
        form = MeasureForm(request.POST)
        done = attempt_form(
            request,
            form,
            cases.add_measure,
            actor=request.user,
            investigation=case,
        )
        if done:
            messages.success(request, _("The measure was registered as a hidden danger."))
            return redirect("accident-investigation", pk=pk)
        status = done.status
        return _page(request, accident, case, measure_form=form, status=status)
    if what == "close":
        form = CloseForm(request.POST, request.FILES)
        done = attempt_form(request, form, cases.close_case, actor=request.user, investigation=case)
        if done:
            messages.success(request, _("The case was closed."))
            return redirect("accident-investigation", pk=pk)
        status = done.status
        return _page(request, accident, case, close_form=form, status=status)
    return _page(request, accident, case, status=400)


@login_required
def investigation_report(request, pk):
    accident = get_for_user_or_404(selectors.accidents_for(request.user), request.user, pk)
    case = Investigation.objects.filter(accident=accident).first()
    if case is None or not case.report:
        raise Http404
    return FileResponse(
        case.report.open("rb"),
        as_attachment=False,
        filename=f"accident-{accident.pk}-report.pdf",
        content_type="application/pdf",
    )

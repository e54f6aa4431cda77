"""Screens that create and change risk points, assessments, control measures and hazard
units. Reads go through `for_user`; every write is a call to the same service the API and the
Excel import use, whose errors come back on the form's fields. Outside the user's scope:
404; visible but not changeable: 403; a save over someone else's change: 409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core.errors import Conflict
from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.risks import forms, selectors, services, views
from safeloop.risks.models import ControlMeasure, HazardUnit, RiskPoint

CONFLICT = gettext_lazy(
    "Someone else changed this record while you were editing it; nothing was saved. "
    "The form now carries the current version with your input: check it and save again."
)


def _enterprise(request, pk) -> Enterprise:
    """An enterprise whose risks the user records: 404 outside scope, 403 when seen only."""
    enterprise = get_for_user_or_404(Enterprise, request.user, pk)
    if not selectors.may_edit_risks(request.user, enterprise):
        raise PermissionDenied
    return enterprise


def _editable(request, model, pk, *related):
    """A live record the user may change: 404 outside scope, 403 when seen only."""
    queryset = model.objects.filter(is_deleted=False).select_related("enterprise", *related)
    return get_for_user_or_404(queryset, request.user, pk, action="change")


REGRADE_CONFLICT = gettext_lazy(
    "Someone else changed this point meanwhile; nothing was re-graded. "
    "The page now shows the point as it is."
)


def _on_the_screen(write, conflict=CONFLICT):
    """`write` with a stale version explained the screens' way: on a form, the form keeps
    the input and now carries the current version."""

    def run():
        try:
            return write()
        except Conflict as error:
            raise Conflict(conflict) from error

    return run


def _submit(request, form, write, *, done, then, template, context, extra=(), current=None):
    """The one flow of every screen: GET shows the form; POST validates the form (and any
    `extra` forms), calls `write` (a service call returning the record), and redirects to
    `then(record)`; otherwise the form comes back with the errors and the status the API
    would answer (400 invalid, 409 stale; 403 and 404 are raised). After a conflict the form
    keeps the user's input and carries the current version (`current()`), so saving again
    is a fresh decision over the record as it is now."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and all(f.is_valid() for f in extra):
            outcome = attempt(request, _on_the_screen(write), form=form)
            if outcome:
                messages.success(request, done)
                return redirect(*then(outcome.value))
            status = outcome.status
            if isinstance(outcome.error, Conflict) and current is not None:
                form.data = form.data.copy()
                form.data[form.add_prefix("version")] = current().version
    return render(request, f"risks/{template}", {"form": form, **context}, status=status)


def _version(form) -> int | None:
    return form.cleaned_data["version"]


# --- risk points -----------------------------------------------------------------------


@login_required
def point_create(request, pk):
    enterprise = _enterprise(request, pk)
    form = forms.RiskPointForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda: services.create_risk_point(
            actor=request.user, enterprise=enterprise, **form.service_arguments()
        ),
        done=_("Risk point created."),
        then=lambda point: ("risk-point", point.pk),
        template="point_form.html",
        context={"enterprise": enterprise, "point": None},
    )


@login_required
def point_edit(request, pk):
    point = _editable(request, RiskPoint, pk)
    initial = {"version": point.version}
    form = forms.RiskPointForm(request.POST or None, instance=point, initial=initial)
    return _submit(
        request,
        form,
        lambda: services.update_risk_point(
            actor=request.user,
            point=point,
            version=_version(form),
            **form.service_arguments(),
        ),
        done=_("Saved."),
        then=lambda point: ("risk-point", point.pk),
        template="point_form.html",
        context={"enterprise": point.enterprise, "point": point},
        current=lambda: RiskPoint.objects.get(pk=point.pk),
    )


@login_required
def point_assess(request, pk):
    point = _editable(request, RiskPoint, pk, "current_assessment")
    form = forms.AssessmentForm(
        request.POST or None, initial={"version": point.version, "method": "lec"}
    )
    return _submit(
        request,
        form,
        lambda: services.assess_risk_point(
            actor=request.user,
            point=point,
            version=_version(form),
            **form.service_arguments(),
        ),
        done=_("Assessment recorded."),
        then=lambda assessment: ("risk-point", point.pk),
        template="assess_form.html",
        context={"point": point},
        current=lambda: RiskPoint.objects.get(pk=point.pk),
    )


@login_required
@require_POST
def point_regrade(request, pk):
    """The button on the point page: back to the page when done; refused, the page again
    with the reason and the status (400, or 409 when the point changed meanwhile)."""
    point = _editable(request, RiskPoint, pk, "current_assessment")
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return views.point_page(request, point, status=400)
    regrade = _on_the_screen(
        lambda: services.regrade_risk_point(
            actor=request.user, point=point, version=_version(form)
        ),
        REGRADE_CONFLICT,
    )
    outcome = attempt(request, regrade)
    if not outcome:
        return views.point_page(request, point, status=outcome.status)
    messages.success(request, _("Re-graded under the active scheme."))
    return redirect("risk-point", pk=point.pk)


def _delete(request, obj, delete, *, done, back):
    """GET asks for confirmation; POST soft-deletes with the version shown."""
    form = forms.VersionForm(request.POST or None, initial={"version": obj.version})
    return _submit(
        request,
        form,
        lambda: delete(version=_version(form)),
        done=done,
        then=lambda _result: back,
        template="confirm_delete.html",
        context={"obj": obj, "back": back},
        current=lambda: type(obj).objects.get(pk=obj.pk),
    )


@login_required
def point_delete(request, pk):
    point = _editable(request, RiskPoint, pk)
    return _delete(
        request,
        point,
        lambda **kw: services.delete_risk_point(actor=request.user, point=point, **kw),
        done=_("Risk point deleted; its history is kept."),
        back=("risk-enterprise", point.enterprise_id),
    )


# --- control measures ------------------------------------------------------------------


@login_required
def measure_create(request, pk):
    point = _editable(request, RiskPoint, pk)
    form = forms.MeasureForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda: services.create_measure(
            actor=request.user, point=point, **form.service_arguments()
        ),
        done=_("Control measure added."),
        then=lambda measure: ("risk-point", point.pk),
        template="measure_form.html",
        context={"point": point, "measure": None},
    )


@login_required
def measure_edit(request, pk):
    measure = _editable(request, ControlMeasure, pk, "risk_point")
    initial = {"version": measure.version}
    form = forms.MeasureForm(request.POST or None, instance=measure, initial=initial)
    return _submit(
        request,
        form,
        lambda: services.update_measure(
            actor=request.user,
            measure=measure,
            version=_version(form),
            **form.service_arguments(),
        ),
        done=_("Saved."),
        then=lambda saved: ("risk-point", measure.risk_point_id),
        template="measure_form.html",
        context={"point": measure.risk_point, "measure": measure},
        current=lambda: ControlMeasure.objects.get(pk=measure.pk),
    )


@login_required
def measure_delete(request, pk):
    measure = _editable(request, ControlMeasure, pk, "risk_point")
    return _delete(
        request,
        measure,
        lambda **kw: services.delete_measure(actor=request.user, measure=measure, **kw),
        done=_("Control measure removed; its history is kept."),
        back=("risk-point", measure.risk_point_id),
    )


# --- hazard installation units ---------------------------------------------------------


def _unit_forms(request, unit=None):
    data = request.POST if request.method == "POST" else None
    initial = {"version": unit.version} if unit else None
    form = forms.UnitForm(data, instance=unit, initial=initial)
    lines = forms.SubstanceFormSet(
        data, prefix="lines", initial=forms.substance_initial(unit) if unit else None
    )
    return form, lines


def _unit_fields(form, lines) -> dict:
    return {
        "name": form.cleaned_data["name"],
        "kind": form.cleaned_data["kind"],
        "people_within_500m": form.cleaned_data["people_within_500m"],
        "substances": lines.lines(),
    }


@login_required
def unit_create(request, pk):
    enterprise = _enterprise(request, pk)
    form, lines = _unit_forms(request)
    return _submit(
        request,
        form,
        lambda: services.create_unit(
            actor=request.user, enterprise=enterprise, **_unit_fields(form, lines)
        ),
        extra=[lines],
        done=_("Hazard installation unit recorded."),
        then=lambda unit: ("risk-unit", unit.pk),
        template="unit_form.html",
        context={"lines": lines, "enterprise": enterprise, "unit": None},
    )


@login_required
def unit_edit(request, pk):
    unit = _editable(request, HazardUnit, pk)
    form, lines = _unit_forms(request, unit)
    return _submit(
        request,
        form,
        lambda: services.update_unit(
            actor=request.user,
            unit=unit,
            version=_version(form),
            **_unit_fields(form, lines),
        ),
        extra=[lines],
        done=_("Saved."),
        then=lambda saved: ("risk-unit", unit.pk),
        template="unit_form.html",
        context={"lines": lines, "enterprise": unit.enterprise, "unit": unit},
        current=lambda: HazardUnit.objects.get(pk=unit.pk),
    )


@login_required
def unit_delete(request, pk):
    unit = _editable(request, HazardUnit, pk)
    return _delete(
        request,
        unit,
        lambda **kw: services.delete_unit(actor=request.user, unit=unit, **kw),
        done=_("Hazard installation unit removed; its history is kept."),
        back=("risk-enterprise", unit.enterprise_id),
    )

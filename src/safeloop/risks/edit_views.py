"""Screens that create and change risk points, assessments, control measures and hazard
units. Reads go through `for_user`; every write is a call to the same service the API and the
Excel import use, whose errors come back on the form's fields. Outside the user's scope:
404; visible but not changeable: 403; a save over someone else's change: 409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core.errors import Conflict
from safeloop.core.scoping import can
from safeloop.enterprises.models import Enterprise
from safeloop.risks import forms, services
from safeloop.risks.models import ControlMeasure, HazardUnit, RiskPoint
from safeloop.risks.models.points import RISK_EDITORS

CONFLICT = gettext_lazy(
    "Someone else changed this record while you were editing it; nothing was saved. "
    "The form now carries the current version with your input: check it and save again."
)


def may_edit_risks(user, enterprise) -> bool:
    """Whether the user may record risks for the enterprise (the risk models' change roles,
    reaching the enterprise through the same grants)."""
    return (
        Enterprise.objects.for_user(user, "view", roles=RISK_EDITORS)
        .filter(pk=enterprise.pk)
        .exists()
    )


def _enterprise(request, pk) -> Enterprise:
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user, "view"), pk=pk)
    if not may_edit_risks(request.user, enterprise):
        raise PermissionDenied
    return enterprise


def _editable(request, model, pk, *related):
    queryset = model.objects.for_user(request.user, "view").filter(is_deleted=False)
    obj = get_object_or_404(queryset.select_related("enterprise", *related), pk=pk)
    if not can(request.user, "change", obj):
        raise PermissionDenied
    return obj


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _save(form, write) -> int | None:
    """Run the service; None on success, else the status for the page that shows why."""
    try:
        write()
    except Conflict:
        form.add_error(None, CONFLICT)
        return 409
    except ValidationError as error:
        _put_errors(form, error)
        return 400
    except PermissionDenied:
        form.add_error(None, _("You may not make this change."))
        return 403
    return None


def _submit(request, form, write, *, done, then, template, context, extra=(), current=None):
    """The one flow of every screen: GET shows the form; POST validates the form (and any
    `extra` forms), calls `write` (a service call returning the record), and redirects to
    `then(record)`; otherwise the form comes back with the errors and a status saying why.
    After a conflict the form keeps the user's input and carries the current version
    (`current()`), so saving again is a fresh decision over the record as it is now."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and all(f.is_valid() for f in extra):
            saved = []
            status = _save(form, lambda: saved.append(write()))
            if status is None:
                messages.success(request, done)
                return redirect(*then(saved[0]))
            if status == 409 and current is not None:
                form.data = form.data.copy()
                form.data[form.add_prefix("version")] = services.version_of(current())
    return render(request, f"risks/{template}", {"form": form, **context}, status=status)


def _version(form) -> str:
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
    initial = {"version": services.version_of(point)}
    form = forms.RiskPointForm(request.POST or None, instance=point, initial=initial)
    return _submit(
        request,
        form,
        lambda: services.update_risk_point(
            actor=request.user,
            point=point,
            expected_version=_version(form),
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
        request.POST or None, initial={"version": services.version_of(point), "method": "lec"}
    )
    return _submit(
        request,
        form,
        lambda: services.assess_risk_point(
            actor=request.user,
            point=point,
            expected_version=_version(form),
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
    point = _editable(request, RiskPoint, pk, "current_assessment")
    form = forms.VersionForm(request.POST)
    form.is_valid()
    status = _save(
        form,
        lambda: services.regrade_risk_point(
            actor=request.user, point=point, expected_version=_version(form)
        ),
    )
    if status is None:
        messages.success(request, _("Re-graded under the active scheme."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("risk-point", pk=point.pk)


def _delete(request, obj, delete, *, done, back):
    """GET asks for confirmation; POST soft-deletes with the version shown."""
    form = forms.VersionForm(request.POST or None, initial={"version": services.version_of(obj)})
    return _submit(
        request,
        form,
        lambda: delete(expected_version=_version(form)),
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
    initial = {"version": services.version_of(measure)}
    form = forms.MeasureForm(request.POST or None, instance=measure, initial=initial)
    return _submit(
        request,
        form,
        lambda: services.update_measure(
            actor=request.user,
            measure=measure,
            expected_version=_version(form),
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
    initial = {"version": services.version_of(unit)} if unit else None
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
            expected_version=_version(form),
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

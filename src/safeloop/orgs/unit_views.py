"""Organisation screens: parks, grid cells and departments, listed in the user's scope and
created or edited by the administrators the role table names, through orgs.units (the
services the API uses). 404 outside the scope, 403 visible but not theirs to change."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safeloop.core.scoping import can
from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.orgs import units
from safeloop.orgs.models import Department, GridCell, Park
from safeloop.orgs.unit_forms import FORMS, LABELS


def _kind(kind: str):
    if kind not in LABELS:
        raise Http404
    return LABELS[kind]


def _may_create(user, model) -> bool:
    return bool(user.roles & set(model.scope_roles["change"]))


@login_required
def unit_list(request, kind):
    model, title, _new = _kind(kind)
    rows = model.objects.for_user(request.user).select_related("region")
    if model is not Park:
        rows = rows.select_related("park")
    return render(
        request,
        "orgs/unit_list.html",
        {
            "kind": kind,
            "title": title,
            "rows": rows,
            "may_create": _may_create(request.user, model),
        },
    )


@login_required
def unit_new(request, kind):
    model, _title, new_title = _kind(kind)
    if not _may_create(request.user, model):
        raise PermissionDenied
    form = FORMS[model](request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                units.create_unit,
                actor=request.user,
                model=model,
                data=form.data_for_service(),
                form=form,
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("unit-detail", kind, done.value.pk)
            status = done.status
        else:
            status = 400
    return render(request, "orgs/form.html", {"form": form, "title": new_title}, status=status)


@login_required
def unit_edit(request, kind, pk):
    model, _title, _new = _kind(kind)
    obj = get_for_user_or_404(model, request.user, pk, action="change")
    form = FORMS[model](request.POST or None, instance=obj, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                units.update_unit,
                actor=request.user,
                model=model,
                pk=obj.pk,
                data=form.data_for_service(),
                version=form.cleaned_data.get("version"),
                form=form,
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("unit-detail", kind, obj.pk)
            status = done.status
        else:
            status = 400
    title = _("Edit %(unit)s") % {"unit": obj}
    return render(request, "orgs/form.html", {"form": form, "title": title}, status=status)


@login_required
def unit_detail(request, kind, pk):
    model, title, _new = _kind(kind)
    obj = get_for_user_or_404(model, request.user, pk)
    context = {
        "kind": kind,
        "title": title,
        "unit": obj,
        "may_edit": can(request.user, "change", obj),
    }
    Enterprise = apps.get_model("enterprises", "Enterprise")
    if isinstance(obj, GridCell):
        context["inspectors"] = units.inspectors_on_duty(obj)
        context["enterprises"] = Enterprise.objects.for_user(request.user).filter(grid=obj)
    elif isinstance(obj, Park):
        context["grid_cells"] = GridCell.objects.for_user(request.user).filter(park=obj)
        context["enterprises"] = Enterprise.objects.for_user(request.user).filter(park=obj)
    elif isinstance(obj, Department):
        context["deciders"] = units.deciders(obj)
        context["members"] = obj.user_set.filter(is_active=True).order_by("username")
    return render(request, "orgs/unit_detail.html", context)

"""The checklist screens: every checklist the user may read, and the forms with which an
enterprise's staff or a regulator department keep their custom ones. Official and other
shared checklists are read-only here (the administrator keeps them in the Django admin).

Reads are scoped (`Checklist.objects.for_user`); every change is one call of
`checklist_services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.inspections import checklist_services as services
from safeloop.inspections.choices import ChecklistKind
from safeloop.inspections.filters import ChecklistFilter, filtered
from safeloop.inspections.forms import (
    ChecklistForm,
    ChecklistItemForm,
    RetireForm,
    applies_to_value,
)
from safeloop.inspections.models import Checklist, ChecklistItem


def _owners(user) -> list[tuple[str, object]]:
    """What the user may own a new checklist as: each staff enterprise, their department."""
    owners = [(f"enterprise:{e.pk}", e) for e in services.staff_enterprises(user).order_by("id")]
    department = services.owned_department(user)
    if department is not None:
        owners.append((f"department:{department.pk}", department))
    return owners


def _checklist(request, pk) -> Checklist:
    return get_for_user_or_404(
        Checklist.objects.select_related("enterprise", "department"), request.user, pk
    )


def _run(request, form, func, **kwargs):
    """Run the service through `core.views.attempt`: its errors land on the form with the
    API's status. Returns (result or None, HTTP status)."""
    done = attempt(request, func, actor=request.user, form=form, **kwargs)
    return (done.value, 200) if done else (None, done.status)


def _version(form):
    return form.cleaned_data.get("version")


@login_required
def checklist_list(request):
    filterset, checklists = filtered(
        ChecklistFilter, request, Checklist.objects.for_user(request.user)
    )
    checklists = (
        checklists.select_related("enterprise", "department", "standard")
        .annotate(item_count=Count("items", filter=Q(items__active=True)))
        .order_by("-active", "kind", "name", "id")
    )
    kept = {
        c.pk
        for c in checklists
        if c.kind == ChecklistKind.CUSTOM and c.active and services.may_keep(request.user, c)
    }
    return render(
        request,
        "inspections/checklist_list.html",
        {
            "checklists": checklists,
            "filter": filterset,
            "kept": kept,
            "may_create": bool(_owners(request.user)),
        },
    )


@login_required
def checklist_new(request):
    owners = _owners(request.user)
    if not owners:
        raise PermissionDenied
    has_department = any(key.startswith("department:") for key, _owner in owners)
    form = ChecklistForm(request.POST or None, for_enterprise=not has_department)
    form.fields["owner"] = _owner_field(owners)
    status = 200
    if request.method == "POST" and form.is_valid():
        owner = dict(owners).get(form.cleaned_data["owner"])
        is_enterprise = form.cleaned_data["owner"].startswith("enterprise:")
        checklist, status = _run(
            request,
            form,
            services.create_checklist,
            name=form.cleaned_data["name"],
            enterprise=owner if is_enterprise else None,
            department=None if is_enterprise else owner,
            rule=None if is_enterprise else form.cleaned_data.get("applies_to"),
        )
        if checklist is not None:
            return redirect("inspection-checklist", pk=checklist.pk)
    elif form.errors:
        status = 400
    return _form_page(request, form, _("New checklist"), status)


def _owner_field(owners):
    from django import forms

    return forms.ChoiceField(
        label=_("owner"),
        choices=[(key, str(owner)) for key, owner in owners],
        help_text=_("A department's checklist applies where 'applies to' says, in its region."),
    )


def _form_page(request, form, title, status, checklist=None):
    return render(
        request,
        "inspections/checklist_form.html",
        {"form": form, "title": title, "checklist": checklist},
        status=status if form.errors else 200,
    )


@login_required
def checklist_detail(request, pk, status=200):
    checklist = _checklist(request, pk)
    items = checklist.items.select_related("criterion__standard").order_by("order", "id")
    may_keep = checklist.active and services.may_keep(request.user, checklist)
    return render(
        request,
        "inspections/checklist_detail.html",
        {
            "checklist": checklist,
            "items": [i for i in items if i.active],
            "retired_items": [i for i in items if not i.active],
            "rules": checklist.rules.all(),
            "may_keep": may_keep,
            "item_form": ChecklistItemForm(initial={"version": checklist.version}),
            "retire_form": RetireForm(initial={"version": checklist.version}),
        },
        status=status,
    )


def _kept(request, pk) -> Checklist:
    checklist = _checklist(request, pk)
    if not (checklist.active and services.may_keep(request.user, checklist)):
        raise PermissionDenied  # a retired checklist is read-only
    return checklist


@login_required
def checklist_edit(request, pk):
    checklist = _kept(request, pk)
    initial = {"name": checklist.name, "version": checklist.version}
    if not checklist.enterprise_id:
        initial["applies_to"] = applies_to_value(checklist)
    form = ChecklistForm(
        request.POST or None, initial=initial, for_enterprise=bool(checklist.enterprise_id)
    )
    status = 400
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            request,
            form,
            services.update_checklist,
            checklist=checklist,
            version=_version(form),
            name=form.cleaned_data["name"],
            rule=form.cleaned_data.get("applies_to"),
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("inspection-checklist", pk=checklist.pk)
    return _form_page(request, form, _("Edit checklist"), status, checklist)


@login_required
def checklist_retire(request, pk):
    checklist = _kept(request, pk)
    form = RetireForm(request.POST or None, initial={"version": checklist.version})
    status = 400
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            request,
            form,
            services.retire_checklist,
            checklist=checklist,
            version=_version(form),
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _("The checklist is retired; past visits keep it."))
            return redirect("inspection-checklist", pk=checklist.pk)
    return _form_page(request, form, _("Retire checklist"), status, checklist)


def _item_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.ITEM_FIELDS}


@login_required
def item_new(request, pk):
    checklist = _kept(request, pk)
    form = ChecklistItemForm(request.POST or None, initial={"version": checklist.version})
    status = 400
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            request,
            form,
            services.add_item,
            checklist=checklist,
            version=_version(form),
            **_item_values(form),
        )
        if done is not None:
            return redirect("inspection-checklist", pk=checklist.pk)
    return _form_page(request, form, _("New item"), status, checklist)


def _item(request, pk) -> ChecklistItem:
    item = ChecklistItem.objects.select_related("checklist").filter(pk=pk).first()
    if item is None:
        raise Http404
    _kept(request, item.checklist_id)  # 404 outside scope, 403 not theirs to keep
    return item


@login_required
def item_edit(request, pk):
    item = _item(request, pk)
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    initial["version"] = item.checklist.version
    form = ChecklistItemForm(request.POST or None, initial=initial)
    status = 400
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            request, form, services.edit_item, item=item, version=_version(form),
            **_item_values(form),
        )  # fmt: skip
        if done is not None:
            return redirect("inspection-checklist", pk=item.checklist_id)
    return _form_page(request, form, _("Edit item"), status, item.checklist)


@require_POST
@login_required
def item_retire(request, pk):
    item = _item(request, pk)
    done = attempt(
        request,
        services.retire_item,
        item=item,
        actor=request.user,
        version=request.POST.get("version") or None,
    )
    if not done:
        return checklist_detail(request, item.checklist_id, status=done.status)
    return redirect("inspection-checklist", pk=item.checklist_id)

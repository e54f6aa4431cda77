"""The emergency pages: the app's home with its warnings, resources (list with filters and
Excel export, detail with stocks, create and edit), the nearest search, the rule versions
and incident command. Reads go through `for_user`; writes through the services, whose
errors `core.views.attempt` answers as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.emergency import imports, selectors, services
from safeloop.emergency.choices import IncidentState, ResourceKind
from safeloop.emergency.documents import after_action_pdf
from safeloop.emergency.filters import IncidentFilter, ResourceFilter
from safeloop.emergency.forms import (
    CloseForm,
    ConfirmForm,
    DispatchForm,
    EscalateForm,
    IncidentForm,
    LogForm,
    MemberForm,
    NearestForm,
    ResourceForm,
    RuleForm,
    StockForm,
    TaskMoveForm,
)
from safeloop.emergency.models import (
    DUTY_STAFF,
    CommandMember,
    EmergencyRule,
    Incident,
    Resource,
)
from safeloop.orgs.roles import REGULATORS


def _may_add_resources(user) -> bool:
    return bool(user.roles & services.Resource.scope_roles["change"])


@login_required
def home(request):
    warnings = selectors.warnings_for(request.user)
    incidents = selectors.incidents_for(request.user).filter(state=IncidentState.OPEN)[:20]
    counts = {
        label: selectors.resources_for(request.user).filter(kind=value).count()
        for value, label in ResourceKind.choices
    }
    return render(
        request,
        "emergency/home.html",
        {
            "warnings": warnings,
            "incidents": incidents,
            "counts": counts,
            "gaps": selectors.preparedness_gaps(request.user)[:10],
            "may_duty": bool(request.user.roles & DUTY_STAFF),
        },
    )


def _resources(request):
    filterset = ResourceFilter(request.GET, queryset=selectors.resources_for(request.user))
    if filterset.is_valid():
        return filterset, filterset.qs, 200
    return filterset, filterset.queryset.none(), 400


@login_required
def resource_list(request):
    filterset, rows, status = _resources(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for r in page:
        r.shown_phone = selectors.duty_phone(request.user, r)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "emergency/resource_list.html",
        {
            "filter": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "may_add": _may_add_resources(request.user),
        },
        status=status,
    )


@login_required
def resource_export(request):
    from safeloop.core.documents import workbook_response

    _filterset, rows, status = _resources(request)
    if status != 200:
        return resource_list(request)
    # the import's columns, so that an exported list imports back (safe_cell guards formulas)
    data = (
        imports.row_of(r, selectors.duty_phone(request.user, r))
        for r in rows.iterator(chunk_size=2000)
    )
    stocks = (
        imports.stock_row_of(s)
        for s in selectors.stocks_for(request.user)
        .filter(warehouse__in=rows.values("pk"))
        .select_related("stock_type")
        .order_by("warehouse_id", "pk")
        .iterator(chunk_size=2000)
    )
    stamp = timezone.localdate().isoformat()
    return workbook_response(
        f"emergency-resources-{stamp}.xlsx",
        [
            (imports.SHEET, imports.HEADERS, data),
            (imports.STOCK_SHEET, imports.STOCK_HEADERS, stocks),
        ],
    )


def _resource(request, pk, action="view") -> Resource:
    return get_for_user_or_404(selectors.resources_for(request.user), request.user, pk, action)


def _resource_page(request, resource, *, confirm_form=None, stock_form=None, status=200):
    from safeloop.core.scoping import can

    may_change = can(request.user, "change", resource)
    if may_change:
        confirm_form = confirm_form or ConfirmForm(
            initial={"version": resource.version, "availability": resource.availability}
        )
        if resource.kind == ResourceKind.WAREHOUSE:
            stock_form = stock_form or StockForm()
    return render(
        request,
        "emergency/resource_detail.html",
        {
            "r": resource,
            "phone": selectors.duty_phone(request.user, resource),
            "stocks": resource.stocks.select_related("stock_type"),
            "may_change": may_change,
            "confirm_form": confirm_form if may_change else None,
            "stock_form": stock_form if may_change else None,
            "tasks": resource.tasks.select_related("incident").order_by("-dispatched_at")[:10],
        },
        status=status,
    )


@login_required
def resource_detail(request, pk):
    return _resource_page(request, _resource(request, pk))


def _form_page(request, form, title, status):
    return render(request, "emergency/form.html", {"form": form, "title": title}, status=status)


@login_required
def resource_create(request):
    if not _may_add_resources(request.user):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.changes()
            done = attempt(request, services.create_resource, form=form, actor=request.user, **data)
            if done:
                messages.success(request, _("Saved."))
                return redirect("emergency-resource-detail", pk=done.value.pk)
            status = done.status
    return _form_page(request, form, _("New emergency resource"), status)


@login_required
def resource_edit(request, pk):
    resource = _resource(request, pk, "change")
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.changes()
            done = attempt(
                request,
                services.update_resource,
                form=form,
                actor=request.user,
                resource=resource,
                version=form.cleaned_data.get("version"),
                **data,
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("emergency-resource-detail", pk=pk)
            status = done.status
    return _form_page(request, form, _("Edit: %(name)s") % {"name": resource.name}, status)


@login_required
@require_POST
def resource_confirm(request, pk):
    resource = _resource(request, pk, "change")
    form = ConfirmForm(request.POST)
    done = attempt_form(
        request,
        form,
        services.confirm_availability,
        actor=request.user,
        resource=resource,
    )
    if done:
        messages.success(request, _("Availability confirmed."))
        return redirect("emergency-resource-detail", pk=pk)
    status = done.status
    return _resource_page(request, _resource(request, pk), confirm_form=form, status=status)


@login_required
@require_POST
def stock_add(request, pk):
    warehouse = _resource(request, pk, "change")
    form = StockForm(request.POST)
    status = 400
    if form.is_valid():
        done = attempt(
            request,
            services.add_stock,
            form=form,
            actor=request.user,
            warehouse=warehouse,
            **form.changes(),
        )
        if done:
            messages.success(request, _("Saved."))
            return redirect("emergency-resource-detail", pk=pk)
        status = done.status
    return _resource_page(request, warehouse, stock_form=form, status=status)


@login_required
def stock_edit(request, pk):
    stock = get_for_user_or_404(selectors.stocks_for(request.user), request.user, pk, "change")
    form = StockForm(request.POST or None, instance=stock)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done = attempt(
                request,
                services.update_stock,
                form=form,
                actor=request.user,
                stock=stock,
                version=form.cleaned_data.get("version"),
                **form.changes(),
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("emergency-resource-detail", pk=stock.warehouse_id)
            status = done.status
    return _form_page(request, form, str(stock), status)


@login_required
def nearest(request):
    form = NearestForm(request.GET or None, user=request.user)
    found = None
    status = 200
    if request.GET:
        if form.is_valid():
            found = selectors.nearest_for(request.user, **form.query())
            for r in found:
                r.shown_phone = selectors.duty_phone(request.user, r)
        else:
            status = 400
    return render(request, "emergency/nearest.html", {"form": form, "found": found}, status=status)


@login_required
def rule_list(request):
    may_add = bool(request.user.roles & services.RULE_EDITORS)
    form = RuleForm(request.POST or None) if may_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.add_rule, actor=request.user)
        if done:
            messages.success(request, _("Saved."))
            return redirect("emergency-rules")
        status = done.status
    return render(
        request,
        "emergency/rules.html",
        {"rules": EmergencyRule.objects.all(), "form": form},
        status=status,
    )


# Incident command ------------------------------------------------------------------------


def _may_command(user) -> bool:
    return bool(user.roles & REGULATORS)


@login_required
def incident_list(request):
    filterset = IncidentFilter(request.GET, queryset=selectors.incidents_for(request.user))
    status = 200 if filterset.is_valid() else 400
    rows = filterset.qs if status == 200 else filterset.queryset.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/incident_list.html",
        {"filter": filterset.form, "page": page, "may_open": _may_command(request.user)},
        status=status,
    )


@login_required
def incident_create(request):
    if not _may_command(request.user):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, services.open_incident, actor=request.user)
        if done:
            messages.success(request, _("Incident opened."))
            return redirect("incident-detail", pk=done.value.pk)
        status = done.status
    elif request.GET.get("accident"):
        form.initial["accident"] = request.GET["accident"]
    return _form_page(request, form, _("Open an emergency incident"), status)


def _incident(request, pk, action="view") -> Incident:
    return get_for_user_or_404(selectors.incidents_for(request.user), request.user, pk, action)


def _incident_page(request, incident, forms=None, status=200):
    moves = services.incident_moves(incident, request.user)
    forms = forms or {}
    kind = request.GET.get("kind") or ResourceKind.TEAM
    if kind not in ResourceKind.values:
        kind = ResourceKind.TEAM
    suggestions = []
    if "dispatch" in moves:
        suggestions = selectors.nearest_for(
            request.user,
            kind=kind,
            latitude=incident.latitude,
            longitude=incident.longitude,
            n=5,
            incident=incident,
        )
    tasks = list(incident.tasks.select_related("resource"))
    for task in tasks:
        task.moves = services.task_moves(task, request.user)
    return render(
        request,
        "emergency/incident_detail.html",
        {
            "i": incident,
            "moves": moves,
            "timeline": incident.timeline.all(),
            "handovers": incident.handovers.all(),
            "tasks": tasks,
            "kinds": ResourceKind.choices,
            "kind": kind,
            "suggestions": suggestions,
            "log_form": forms.get("log") or LogForm(),
            "roster": incident.roster.all(),
            "member_form": forms.get("member") or MemberForm(),
            "dispatch_form": forms.get("dispatch") or DispatchForm(),
            "escalate_form": forms.get("escalate")
            or EscalateForm(initial={"version": incident.version}),
            "close_form": forms.get("close") or CloseForm(initial={"version": incident.version}),
        },
        status=status,
    )


@login_required
def incident_detail(request, pk):
    return _incident_page(request, _incident(request, pk))


def _incident_post(request, pk, form_class, name, func, done_message, **extra):
    incident = _incident(request, pk, "change")
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        data = {**form.cleaned_data, **extra}
        if name == "dispatch":
            data["resource"] = Resource(pk=data["resource"])
        done = attempt(request, func, form=form, actor=request.user, incident=incident, **data)
        if done:
            messages.success(request, done_message)
            return redirect("incident-detail", pk=pk)
        status = done.status
    return _incident_page(request, _incident(request, pk), {name: form}, status)


@login_required
@require_POST
def incident_log(request, pk):
    return _incident_post(request, pk, LogForm, "log", services.log, _("Added to the timeline."))


@login_required
@require_POST
def incident_member(request, pk):
    return _incident_post(
        request, pk, MemberForm, "member", services.add_member, _("Added to the command roster.")
    )


@login_required
@require_POST
def incident_stand_down(request, pk, member):
    incident = _incident(request, pk, "change")
    done = attempt(
        request,
        services.stand_down,
        actor=request.user,
        member=CommandMember(pk=member, incident=incident),
    )
    if done:
        messages.success(request, _("Stood down."))
        return redirect("incident-detail", pk=pk)
    return _incident_page(request, _incident(request, pk), status=done.status)


@login_required
@require_POST
def incident_escalate(request, pk):
    return _incident_post(
        request, pk, EscalateForm, "escalate", services.escalate, _("Command handed over.")
    )


@login_required
@require_POST
def incident_dispatch(request, pk):
    return _incident_post(
        request, pk, DispatchForm, "dispatch", services.dispatch, _("Resource dispatched.")
    )


@login_required
@require_POST
def incident_close(request, pk):
    return _incident_post(request, pk, CloseForm, "close", services.close, _("Incident closed."))


@login_required
@require_POST
def task_move(request, pk):
    task = get_for_user_or_404(selectors.tasks_for(request.user), request.user, pk, "change")
    form = TaskMoveForm(request.POST)
    if form.is_valid():
        done = attempt(
            request, services.move_task, actor=request.user, task=task, **form.cleaned_data
        )
        if done:
            return redirect("incident-detail", pk=task.incident_id)
        return _incident_page(request, _incident(request, task.incident_id), status=done.status)
    return _incident_page(request, _incident(request, task.incident_id), status=400)


@login_required
def incident_report(request, pk):
    incident = _incident(request, pk)
    if incident.state != IncidentState.CLOSED:
        messages.error(request, _("The after-action report is written when the incident closes."))
        return _incident_page(request, incident, status=409)
    response = HttpResponse(after_action_pdf(incident), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="incident-{incident.pk}.pdf"'
    return response


@login_required
def map_data(request):
    """The reader's resources (narrowed by the resource list's filter) and open incidents as
    GeoJSON points, for a layer of the offline map beside the enterprises."""
    from django.http import JsonResponse

    _filterset, rows, status = _resources(request)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "layer": "resource",
                "kind": r.kind,
                "kind_label": r.get_kind_display(),
                "name": r.name,
                "availability": r.availability,
                "url": reverse("emergency-resource-detail", args=[r.pk]),
            },
        }
        for r in rows[:5000]
    ]
    incidents = selectors.incidents_for(request.user).filter(state=IncidentState.OPEN)
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [i.longitude, i.latitude]},
            "properties": {
                "layer": "incident",
                "name": i.title,
                "level": i.level,
                "url": reverse("incident-detail", args=[i.pk]),
            },
        }
        for i in incidents
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, status=status)

"""The inspection screens: plans (list, calendar, detail with targets and reasons), visits
(the phone-first form, the record), per-enterprise history, the coverage report, the
criteria library, and an Excel export of each list.

Reads go through `selectors` (always scoped); every change is one call of `services`."""

import calendar as month_calendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.errors import Conflict, IllegalMove, NotPermitted
from safeloop.core.scoping import can
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category
from safeloop.inspections import exports, selectors, services
from safeloop.inspections.choices import Outcome, PlanKind, PlanState, VisitState
from safeloop.inspections.forms import AddVisitForm, PlanForm
from safeloop.inspections.models import CriteriaStandard, Plan, TargetingPolicy, Visit, VisitPhoto
from safeloop.inspections.models.plans import PLANNERS
from safeloop.orgs.roles import REGULATORS

PAGE_SIZE = 25


def _may_plan(user) -> bool:
    return bool(user.roles & PLANNERS)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_response(error):
    fields = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    body = {"error": {"code": "invalid", "message": _("Invalid input."), "fields": fields}}
    return JsonResponse(body, status=400)


# ---------------------------------------------------------------- plans
@login_required
def plan_list(request):
    plans = selectors.plans_for(request.user).order_by("-period_start", "-id")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "may_plan": _may_plan(request.user)},
    )


@login_required
def plan_export(request):
    return exports.plans(selectors.plans_for(request.user).order_by("-period_start", "-id"))


@login_required
def plan_create(request):
    if not _may_plan(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            form.add_error("region", _("This region lies outside your area."))
        else:
            return redirect("inspection-plan", pk=plan.pk)
    return render(
        request, "inspections/plan_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _plan(request, pk) -> Plan:
    return get_object_or_404(selectors.plans_for(request.user), pk=pk)


@login_required
def plan_detail(request, pk, add_form=None, status=200):
    plan = _plan(request, pk)
    targets = selectors.targets_for(request.user, plan)
    visits = selectors.visits_for(request.user).filter(plan=plan).order_by("scheduled_on", "id")
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "targets": Paginator(targets, 50).get_page(request.GET.get("tpage")),
            "target_count": targets.count(),
            "visits": Paginator(visits, 50).get_page(request.GET.get("vpage")),
            "visit_count": visits.count(),
            "may_change": can(request.user, "change", plan),
            "policy": TargetingPolicy.current(),
            "is_self": plan.kind == PlanKind.SELF,
            "draft": plan.state == PlanState.DRAFT,
            "add_form": add_form or AddVisitForm(plan=plan, user=request.user),
        },
        status=status,
    )


@login_required
@require_POST
def plan_add_visit(request, pk):
    plan = _plan(request, pk)
    if not can(request.user, "change", plan):
        raise PermissionDenied
    form = AddVisitForm(request.POST, plan=plan, user=request.user)
    if form.is_valid():
        try:
            services.add_visit(
                plan=plan,
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                inspector=form.cleaned_data["inspector"],
                scheduled_on=form.cleaned_data["scheduled_on"],
            )
        except IllegalMove as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The visit is assigned."))
            return redirect("inspection-plan", pk=plan.pk)
    return plan_detail(request, pk, add_form=form, status=400)


@login_required
def plan_targets_export(request, pk):
    plan = _plan(request, pk)
    return exports.targets(plan, selectors.targets_for(request.user, plan))


@login_required
@require_POST
def plan_action(request, pk, action):
    plan = _plan(request, pk)
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    try:
        if action == "target":
            count = services.generate_targets(plan=plan, actor=request.user, version=version)
            messages.success(request, _("%d enterprises chosen.") % count)
        elif action == "assign":
            created, unassigned = services.assign(plan=plan, actor=request.user, version=version)
            messages.success(request, _("%d visits assigned.") % created)
            if unassigned:
                messages.warning(
                    request, _("%d enterprises have no eligible inspector.") % unassigned
                )
        else:
            raise Http404
    except (IllegalMove, Conflict) as error:
        messages.error(request, str(getattr(error, "message", error)))
    except NotPermitted:
        raise PermissionDenied from None
    return redirect("inspection-plan", pk=plan.pk)


# ---------------------------------------------------------------- calendar and visits
@login_required
def calendar_view(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    visits = selectors.visits_for(request.user).filter(scheduled_on__range=(first, last))
    if request.GET.get("mine"):
        visits = visits.filter(inspector=request.user)
    by_day = {}
    for visit in visits.order_by("scheduled_on", "id")[:2000]:
        by_day.setdefault(visit.scheduled_on, []).append(visit)
    weeks = [
        [{"day": d, "visits": by_day.get(d, []), "other": d.month != first.month} for d in week]
        for week in month_calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    plans = selectors.plans_for(request.user).filter(period_start__lte=last, period_end__gte=first)
    return render(
        request,
        "inspections/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
            "next": (last + timedelta(days=1)).strftime("%Y-%m"),
            "plans": plans,
            "mine": bool(request.GET.get("mine")),
            "today": today,
        },
    )


def _visits(request):
    visits = selectors.visits_for(request.user)
    state = request.GET.get("state", "")
    if state in VisitState.values:
        visits = visits.filter(state=state)
    if request.GET.get("mine"):
        visits = visits.filter(inspector=request.user)
    return visits.order_by("scheduled_on", "id"), state


@login_required
def visit_list(request):
    visits, state = _visits(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/visit_list.html",
        {
            "page": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
            "states": VisitState.choices,
            "state": state,
            "mine": bool(request.GET.get("mine")),
            "query": query.urlencode(),
        },
    )


@login_required
def visit_export(request):
    return exports.visits(_visits(request)[0])


def _visit(request, pk) -> Visit:
    return get_object_or_404(selectors.visits_for(request.user), pk=pk)


@login_required
def visit_detail(request, pk):
    visit = _visit(request, pk)
    if visit.state == VisitState.ASSIGNED and visit.inspector_id == request.user.pk:
        return _visit_form(request, visit)
    results = visit.results.select_related("hazard").prefetch_related("photos").order_by("id")
    return render(
        request,
        "inspections/visit_detail.html",
        {"visit": visit, "results": results, "outcomes": dict(Outcome.choices)},
    )


def _visit_form(request, visit, errors=None, status=200):
    policy = TargetingPolicy.current()
    groups = selectors.visit_items(visit)
    errors = errors or {}
    for _checklist, items in groups:
        for item in items:
            item.errors = [
                message
                for field, messages_ in errors.items()
                if field.endswith(f"_{item.pk}")
                for message in messages_
            ]
    return render(
        request,
        "inspections/visit_form.html",
        {
            "visit": visit,
            "groups": groups,
            "item_count": sum(len(items) for _, items in groups),
            "outcomes": Outcome.choices,
            "categories": Category.choices,
            "errors": errors,
            "policy": policy,
            "signature_fields": [
                ("inspector_signature", _("Inspector's signature")),
                ("representative_signature", _("Representative's signature")),
            ],
            "submission_key": services.submission_key(visit),
        },
        status=status,
    )


def _answers_from_post(request, visit):
    answers, photos = [], {}
    for _checklist, items in selectors.visit_items(visit):
        for item in items:
            outcome = request.POST.get(f"outcome_{item.pk}", "")
            answer = {
                "item": item.pk,
                "outcome": outcome,
                "note": request.POST.get(f"note_{item.pk}", ""),
            }
            if outcome == Outcome.FAIL:
                answer["hazard"] = {
                    name: request.POST.get(f"{name}_{item.pk}", "")
                    for name in ("category", "place", "description", "deadline")
                }
            answers.append(answer)
            files = request.FILES.getlist(f"photos_{item.pk}")
            if files:
                photos[item.pk] = files[:5]
    return answers, photos


@login_required
@require_POST
def visit_submit(request, pk):
    visit = _visit(request, pk)
    answers, photos = _answers_from_post(request, visit)
    try:
        visit, _created = services.submit_visit(
            visit=visit,
            actor=request.user,
            answers=answers,
            inspector_signature=request.POST.get("inspector_signature", ""),
            representative_signature=request.POST.get("representative_signature", ""),
            representative=request.POST.get("representative", ""),
            summary=request.POST.get("summary", ""),
            photos=photos,
        )
    except ValidationError as error:
        if _wants_json(request):
            return _error_response(error)
        return _visit_form(request, visit, errors=error.message_dict, status=400)
    except IllegalMove as error:
        if _wants_json(request):
            return _error_response(ValidationError(str(error.message)))
        messages.error(request, str(error.message))
        return redirect("inspection-visit", pk=visit.pk)
    except NotPermitted:
        raise PermissionDenied from None
    url = reverse("inspection-visit", args=[visit.pk])
    if _wants_json(request):
        return JsonResponse({"ok": True, "url": url, "visit": visit.pk})
    messages.success(request, _("The inspection is recorded."))
    return redirect(url)


@login_required
def visit_record(request, pk):
    visit = _visit(request, pk)
    if not visit.record_pdf:
        raise Http404
    response = HttpResponse(bytes(visit.record_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-record-{visit.pk}.pdf"'
    return response


@login_required
def visit_photo(request, pk):
    photo = get_object_or_404(VisitPhoto, pk=pk)
    if not selectors.visits_for(request.user).filter(pk=photo.result.visit_id).exists():
        raise Http404
    stored = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = FileResponse(stored.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------- history, coverage, library
@login_required
def enterprise_history(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=pk)
    visits = selectors.enterprise_history(request.user, enterprise)
    if request.GET.get("format") == "xlsx":
        return exports.visits(visits)
    return render(
        request,
        "inspections/history.html",
        {"enterprise": enterprise, "visits": visits[:200]},
    )


def _period(request):
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        quarter = (today.month - 1) // 3
        start = date(today.year, 3 * quarter + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return (start, end) if start <= end else (end, start)


@login_required
def coverage(request):
    if not request.user.roles & REGULATORS:
        raise PermissionDenied
    start, end = _period(request)
    rows = selectors.coverage(request.user, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        return exports.coverage(rows, start, end)
    return render(request, "inspections/coverage.html", {"rows": rows, "start": start, "end": end})


@login_required
def criteria_library(request):
    standards = CriteriaStandard.objects.prefetch_related("criteria").order_by("-effective_from")
    return render(request, "inspections/criteria.html", {"standards": standards})

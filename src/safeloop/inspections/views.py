"""The inspection screens: plans (list, calendar, detail with targets and reasons), visits
(the phone-first form, the record), per-enterprise history, the coverage report, the
criteria library, and an Excel export of each list.

Reads go through `selectors` (always scoped); every change is one call of `services`."""

import calendar as month_calendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.accidents.selectors import accidents_for
from safeloop.core import exports as core_exports
from safeloop.core.calendar import WEEKDAYS
from safeloop.core.calendar import marks_in as working_marks
from safeloop.core.documents import workbook_response
from safeloop.core.errors import fields_for
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category
from safeloop.inspections import analogy, exports, selectors, services
from safeloop.inspections.actors import plan_kinds, visit_kinds
from safeloop.inspections.choices import Outcome, PlanKind, PlanState, VisitState
from safeloop.inspections.filters import PlanFilter, VisitFilter, filtered
from safeloop.inspections.forms import (
    AddVisitForm,
    CancelVisitForm,
    DispatchForm,
    PlanForm,
    TargetingPolicyForm,
)
from safeloop.inspections.models import CriteriaStandard, Plan, TargetingPolicy, Visit, VisitPhoto
from safeloop.inspections.models.plans import PLANNERS, POLICY_EDITORS
from safeloop.inspections.workflow import PLAN_WORKFLOW, VISIT_WORKFLOW
from safeloop.orgs.models import User
from safeloop.orgs.roles import REGULATORS

PAGE_SIZE = 25


def _may_plan(user) -> bool:
    return bool(user.roles & PLANNERS)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _version(request) -> str | None:
    """The version the form was rendered with (the service answers 400 when it is not a
    number, 409 when it is stale)."""
    return request.POST.get("version") or None


# ---------------------------------------------------------------- plans
def _plans(request):
    return filtered(PlanFilter, request, selectors.plans_for(request.user))


@login_required
def plan_list(request):
    filterset, plans = _plans(request)
    page = Paginator(plans.order_by("-period_start", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/plan_list.html",
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "may_plan": _may_plan(request.user),
        },
    )


@login_required
def plan_export(request):
    return exports.plans(_plans(request)[1].order_by("-period_start", "-id"))


@login_required
def plan_create(request):
    if not _may_plan(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, services.create_plan, actor=request.user)
        if done:
            messages.success(request, _("The plan is saved."))
            return redirect("inspection-plan", pk=done.value.pk)
        status = done.status
    return render(request, "inspections/plan_form.html", {"form": form}, status=status)


def _plan(request, pk) -> Plan:
    return get_for_user_or_404(selectors.plans_for(request.user), request.user, pk)


@login_required
def plan_detail(request, pk, add_form=None, status=200):
    plan = _plan(request, pk)
    targets = selectors.targets_for(request.user, plan)
    visits = selectors.visits_for(request.user).filter(plan=plan).order_by("scheduled_on", "id")
    moves = set(PLAN_WORKFLOW.moves_for(plan.state, plan_kinds(request.user, plan)))
    find = request.GET.get("find", "").strip()[:100]
    if add_form is None:
        add_form = AddVisitForm(plan=plan, user=request.user, initial={"enterprise": find})
        found = list(add_form.candidates(find)) if find and "add_visit" in moves else []
    else:
        found = add_form.matches
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "targets": Paginator(targets, 50).get_page(request.GET.get("tpage")),
            "target_count": targets.count(),
            "visits": Paginator(visits, 50).get_page(request.GET.get("vpage")),
            "visit_count": visits.count(),
            "moves": moves,
            "may_change": bool(moves),
            "open_visits": plan.visits.filter(state=VisitState.ASSIGNED).count(),
            "policy": TargetingPolicy.current(),
            "is_self": plan.kind == PlanKind.SELF,
            "draft": plan.state == PlanState.DRAFT,
            "add_form": add_form,
            "found": found,
            "find": find,
        },
        status=status,
    )


@login_required
@require_POST
def plan_add_visit(request, pk):
    plan = _plan(request, pk)
    form = AddVisitForm(request.POST, plan=plan, user=request.user)
    if form.is_valid():
        done = attempt(
            request,
            services.add_visit,
            plan=plan,
            actor=request.user,
            form=form,
            enterprise=form.cleaned_data["enterprise_found"],
            inspector=form.cleaned_data["inspector"],
            scheduled_on=form.cleaned_data["scheduled_on"],
        )
        if done:
            messages.success(request, _("The visit is assigned."))
            return redirect("inspection-plan", pk=plan.pk)
        return plan_detail(request, pk, add_form=form, status=done.status)
    return plan_detail(request, pk, add_form=form, status=400)


@login_required
def plan_targets_export(request, pk):
    plan = _plan(request, pk)
    return exports.targets(plan, selectors.targets_for(request.user, plan))


PREVIEW_ROWS = 200  # rows listed per inspector; the count and the dispatch cover them all


def _preview_groups(preview):
    """The proposal by inspector: (inspector, count, its first PREVIEW_ROWS visits)."""
    counts: dict[int, int] = {}
    shown: dict[int, list] = {}
    for p in preview.proposal:
        counts[p.inspector_id] = counts.get(p.inspector_id, 0) + 1
        if counts[p.inspector_id] <= PREVIEW_ROWS:
            shown.setdefault(p.inspector_id, []).append(p)
    users = User.objects.in_bulk(list(counts))
    listed = {p.enterprise_id for rows in shown.values() for p in rows}
    names = dict(Enterprise.objects.filter(pk__in=listed).values_list("pk", "name"))
    return [
        (
            users[pk],
            counts[pk],
            [{"enterprise": names[p.enterprise_id], "day": p.day} for p in shown[pk]],
        )
        for pk in counts
    ]


@login_required
def plan_preview(request, pk):
    """The dispatch's preview (GET: filters and the proposal by inspector) and the dispatch
    itself (POST: exactly what was shown, else 409 with the new proposal)."""
    plan = _plan(request, pk)
    posted = request.method == "POST"
    form = DispatchForm(request.POST if posted else (request.GET or None))
    status = 400 if form.is_bound and not form.is_valid() else 200
    data = form.cleaned_data if form.is_bound and status == 200 else {}
    if posted and status == 200:
        done = attempt(
            request,
            services.assign,
            plan=plan,
            actor=request.user,
            form=form,
            sector=data.get("sector", ""),
            risk_level=data.get("risk_level", ""),
            fingerprint=data.get("fingerprint") or "",
            version=data.get("version"),
        )
        if done:
            created, unassigned = done.value
            messages.success(request, _("%d visits assigned.") % created)
            if unassigned:
                messages.warning(
                    request, _("%d enterprises have no eligible inspector.") % unassigned
                )
            return redirect("inspection-plan", pk=plan.pk)
        status = done.status
    plan.refresh_from_db(fields=["version"])  # after a 409, the version to send next
    preview = None
    if status in (200, 409):
        shown = attempt(
            request,
            services.preview_assignment,
            actor=request.user,
            plan=plan,
            form=form if form.is_bound and not posted else None,
            sector=data.get("sector", ""),
            risk_level=data.get("risk_level", ""),
        )
        if shown:
            preview = shown.value
        else:
            status = shown.status if status == 200 else status
    return render(
        request,
        "inspections/plan_preview.html",
        {
            "plan": plan,
            "form": form,
            "preview": preview,
            "groups": _preview_groups(preview) if preview else [],
            "version": plan.version,
        },
        status=status,
    )


PLAN_ACTIONS = {
    "target": services.generate_targets,
    "assign": services.assign,
    "close": services.close_plan,
}


@login_required
@require_POST
def plan_action(request, pk, action):
    """Choose the targets, assign the visits or close the plan: the moves of the plan's
    table, answered with the API's statuses (a refused move re-renders the page)."""
    plan = _plan(request, pk)
    if action not in PLAN_ACTIONS:
        raise Http404
    if action == "assign" and plan.kind != PlanKind.SELF:
        return redirect("inspection-plan-preview", pk=plan.pk)  # no dispatch unseen
    done = attempt(
        request, PLAN_ACTIONS[action], plan=plan, actor=request.user, version=_version(request)
    )
    if not done:
        return plan_detail(request, pk, status=done.status)
    if action == "target":
        messages.success(request, _("%d enterprises chosen.") % done.value)
    elif action == "assign":
        created, unassigned = done.value
        messages.success(request, _("%d visits assigned.") % created)
        if unassigned:
            messages.warning(request, _("%d enterprises have no eligible inspector.") % unassigned)
    else:
        messages.success(request, _("The plan is closed."))
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
    filterset, visits = filtered(VisitFilter, request, selectors.visits_for(request.user))
    visits = visits.filter(scheduled_on__range=(first, last))
    by_day = {}
    for visit in visits.order_by("scheduled_on", "id")[:2000]:
        by_day.setdefault(visit.scheduled_on, []).append(visit)
    grid = month_calendar.Calendar().monthdatescalendar(first.year, first.month)
    marks = working_marks(grid[0][0], grid[-1][-1])  # 休 holidays, 班 make-up workdays
    weeks = [
        [
            {
                "day": d,
                "visits": by_day.get(d, []),
                "other": d.month != first.month,
                "mark": marks.get(d, ""),
                "weekend": d.weekday() >= 5,
            }
            for d in week
        ]
        for week in grid
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
            "mine": bool(filterset.form.cleaned_data.get("mine"))
            if filterset.is_valid()
            else False,
            "today": today,
            "weekdays": WEEKDAYS,
        },
    )


def _visits(request):
    filterset, visits = filtered(VisitFilter, request, selectors.visits_for(request.user))
    return filterset, visits.order_by("scheduled_on", "id")


@login_required
def visit_list(request):
    filterset, visits = _visits(request)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/visit_list.html",
        {
            "page": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
            "filter": filterset,
            "states": VisitState.choices,
            "state": data.get("state") or "",
            "mine": bool(data.get("mine")),
            "query": query.urlencode(),
        },
    )


@core_exports.register("inspection-visits", lambda: _("Inspection visits"))
def _visit_export(request):
    return _visits(request)[1], exports.visits


@login_required
def visit_export(request):
    """The list as filtered, in Excel: at once, or built by the worker when it is long."""
    return core_exports.respond(request, "inspection-visits")


def _visit(request, pk) -> Visit:
    return get_for_user_or_404(selectors.visits_for(request.user), request.user, pk)


@login_required
def visit_detail(request, pk, cancel_form=None, status=200):
    visit = _visit(request, pk)
    moves = VISIT_WORKFLOW.moves_for(visit.state, visit_kinds(request.user, visit))
    if "submit" in moves and cancel_form is None:
        return _visit_form(request, visit, status=status)
    results = visit.results.select_related("hazard").prefetch_related("photos").order_by("id")
    if "cancel" in moves and cancel_form is None:
        cancel_form = CancelVisitForm(initial={"version": visit.version})
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "results": results,
            "outcomes": dict(Outcome.choices),
            "cancel_form": cancel_form,
        },
        status=status,
    )


@login_required
@require_POST
def visit_cancel(request, pk):
    visit = _visit(request, pk)
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        return visit_detail(request, pk, cancel_form=form, status=400)
    done = attempt(
        request,
        services.cancel_visit,
        visit=visit,
        actor=request.user,
        form=form,
        reason=form.cleaned_data["reason"],
        version=form.cleaned_data["version"],
    )
    if not done:
        return visit_detail(request, pk, cancel_form=form, status=done.status)
    messages.success(request, _("The visit is cancelled."))
    return redirect("inspection-visit", pk=visit.pk)


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
    json = _wants_json(request)
    done = attempt(
        None if json else request,
        services.submit_visit,
        visit=visit,
        actor=request.user,
        answers=answers,
        inspector_signature=request.POST.get("inspector_signature", ""),
        representative_signature=request.POST.get("representative_signature", ""),
        representative=request.POST.get("representative", ""),
        summary=request.POST.get("summary", ""),
        photos=photos,
    )
    if not done:
        assert done.error is not None
        if json:  # the offline queue: the API's error shape and status
            error = done.error
            body = {
                "error": {
                    "code": getattr(error, "code", "invalid"),
                    "message": done.message,
                    "fields": fields_for(error),
                }
            }
            return JsonResponse(body, status=done.status)
        if done.status == 400:
            return _visit_form(request, visit, errors=fields_for(done.error), status=400)
        return visit_detail(request, pk, status=done.status)
    visit = done.value[0]
    url = reverse("inspection-visit", args=[visit.pk])
    # the offline queue goes to the visit's page after this answer: the message waits there
    messages.success(request, _("The inspection is recorded."))
    if json:
        return JsonResponse({"ok": True, "url": url, "visit": visit.pk})
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
    visible = VisitPhoto.objects.filter(result__visit__in=selectors.visits_for(request.user))
    photo = visible.filter(pk=pk).first()
    if photo is None:
        raise Http404
    stored = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = FileResponse(stored.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------- history, coverage, library
@login_required
def enterprise_history(request, pk):
    enterprise = get_for_user_or_404(Enterprise, request.user, pk)
    visits = selectors.enterprise_history(request.user, enterprise)
    if request.GET.get("format") == "xlsx":
        return workbook_response(*exports.visits(visits))
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
def targeting_policy(request):
    """The targeting policy's versions (risk levels' intervals, credit grades' factors) for
    regulators; the system's and city's administrators add a version, never edit one."""
    if not request.user.roles & REGULATORS:
        raise PermissionDenied(_("The targeting rules are for regulators."))
    may_edit = bool(request.user.roles & POLICY_EDITORS)
    current = TargetingPolicy.current()
    status = 200
    form = None
    if may_edit:
        initial = {
            "effective_from": timezone.localdate(),
            "credit_source": current.credit_source,
            **{f"credit_factor_{g.lower()}": f for g, f in current.credit_factors().items()},
        }
        form = TargetingPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        done = attempt_form(request, form, services.add_targeting_policy, actor=request.user)
        if done:
            messages.success(request, _("Version added."))
            return redirect("inspection-policy")
        status = done.status
    history = TargetingPolicy.objects.all()[:40]
    return render(
        request,
        "inspections/policy.html",
        {"form": form, "current": current, "history": history},
        status=status,
    )


@login_required
def criteria_library(request):
    standards = CriteriaStandard.objects.prefetch_related("criteria").order_by("-effective_from")
    return render(request, "inspections/criteria.html", {"standards": standards})


@login_required
@require_POST
def analogy_plan(request, accident_pk):
    """事故类比: a draft plan of same-sector, same-risk enterprises after an accident."""
    accident = get_for_user_or_404(accidents_for(request.user), request.user, accident_pk)
    if not _may_plan(request.user):
        raise PermissionDenied
    done = attempt(request, analogy.propose, actor=request.user, accident=accident)
    if done:
        messages.success(request, _("A draft accident analogy plan was proposed."))
        return redirect("inspection-plan", pk=done.value.pk)
    return redirect("accident-detail", pk=accident_pk)

"""Self-check screens: "my tasks" for enterprise staff (phone first), the task list with
filters and export, a task with its record form, the completion table for regulators, and
the job runs with their progress."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core import audit
from safeloop.core import exports as core_exports
from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ADMINS, Role
from safeloop.selfchecks import exports, selectors, services, standings, tasks
from safeloop.selfchecks.choices import RunKind, TaskState
from safeloop.selfchecks.filters import TaskFilter
from safeloop.selfchecks.forms import PeriodForm, RecordForm
from safeloop.selfchecks.models import JobRun, SelfCheckPhoto

PAGE_SIZE = 25


@login_required
def my_tasks(request):
    span = "week" if request.GET.get("span") == "week" else "today"
    today = timezone.localdate()
    items = list(selectors.my_tasks(request.user, today, span)[:200])
    return render(
        request,
        "selfchecks/mine.html",
        {
            "tasks": items,
            "span": span,
            "today": today,
            "todo": sum(t.state == TaskState.PENDING for t in items),
        },
    )


def _filtered(request):
    base = selectors.tasks_for(request.user)
    filterset = TaskFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset.order_by("-due_date", "-id")


@login_required
def task_list(request):
    filterset, queryset = _filtered(request)
    page = Paginator(
        queryset.select_related("enterprise", "risk_point", "assignee"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "selfchecks/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@core_exports.register("selfcheck-tasks", lambda: _("Self-check tasks"))
def _task_export(request):
    _filterset, queryset = _filtered(request)
    return queryset, exports.task_list


@login_required
def task_export(request):
    """The list as filtered, in Excel: at once, or built by the worker when it is long."""
    audit.record("selfchecks.selfchecktask.export", changes={"query": request.GET.urlencode()})
    return core_exports.respond(request, "selfcheck-tasks")


def _task(request, pk, action="view"):
    return get_for_user_or_404(
        selectors.tasks_for(request.user).select_related(
            "enterprise", "risk_point", "measure", "assignee", "rule"
        ),
        request.user,
        pk,
        action,
    )


def _record_of(task):
    return getattr(task, "record", None)


def _detail(request, task, form=None, status=200):
    record = _record_of(task)
    may = "record" in services.moves_for(request.user, task)
    if may and form is None:
        form = RecordForm(initial={"version": task.version})
    return render(
        request,
        "selfchecks/detail.html",
        {
            "t": task,
            "record": record,
            "photos": record.photos.all() if record else [],
            "form": form if may else None,
        },
        status=status,
    )


@login_required
def task_detail(request, pk):
    return _detail(request, _task(request, pk))


@login_required
@require_POST
def task_record(request, pk):
    task = _task(request, pk)
    form = RecordForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        done = attempt(
            request, services.record_task, task=task, actor=request.user, form=form, **data
        )
        if done:
            messages.success(request, _("Self-check recorded."))
            return redirect("selfcheck-task", pk=task.pk)
        status = done.status
    task = _task(request, pk)
    if "record" not in services.moves_for(request.user, task):
        messages.error(request, " ".join(form.non_field_errors()))
        return _detail(request, task, status=status)
    return _detail(request, task, form=form, status=status)


@login_required
def photo(request, pk, photo_pk):
    record = get_object_or_404(selectors.records_for(request.user), task_id=pk)
    stored = get_object_or_404(SelfCheckPhoto, pk=photo_pk, record=record)
    file = stored.thumbnail if request.GET.get("size") == "thumb" else stored.image
    response = FileResponse(file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def default_window(today):
    """This month so far: from the first of the month to today."""
    return today.replace(day=1), today


def period_form(get) -> PeriodForm:
    """The completion window of a query string: its start and end, each this month so far's
    when absent (a page link or an export link may carry neither)."""
    start, end = default_window(timezone.localdate())
    return PeriodForm({"start": get.get("start", start), "end": get.get("end", end)})


def _completion(request):
    """(form, start, end, table) of the completion request: the window asked for, or this
    month so far; an invalid window shows the default with the form's errors."""
    start, end = default_window(timezone.localdate())
    form = period_form(request.GET)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    table = standings.Table(Enterprise.objects.for_user(request.user), start, end)
    return form, start, end, table


@core_exports.register("selfcheck-completion", lambda: _("Self-check completion"))
def _completion_export(request):
    _form, start, end, table = _completion(request)
    return table.enterprises, lambda _queryset: exports.completion(table, start, end)


@login_required
def completion(request):
    if not selectors.may_supervise(request.user):
        raise PermissionDenied
    form, start, end, table = _completion(request)
    if request.GET.get("format") == "xlsx" and form.is_valid():
        audit.record("selfchecks.completion.export", changes={"start": start, "end": end})
        return core_exports.respond(request, "selfcheck-completion")
    page = Paginator(table, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "selfchecks/completion.html",
        {
            "form": form,
            "page": page,
            "start": start,
            "end": end,
            "query": query.urlencode(),
            "presets": standings.presets(timezone.localdate()),
        },
        status=200 if form.is_valid() else 400,
    )


def may_see_runs(user) -> bool:
    return user.is_authenticated and bool(user.roles & ADMINS)


def may_start_runs(user) -> bool:
    return user.is_authenticated and Role.SYSTEM_ADMIN in user.roles


@login_required
def runs(request):
    if not may_see_runs(request.user):
        raise Http404
    page = Paginator(JobRun.objects.select_related("requested_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = (
        "selfchecks/_runs.html" if request.headers.get("HX-Request") else "selfchecks/runs.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "may_start": may_start_runs(request.user),
            "kinds": RunKind.choices,
            "today": timezone.localdate(),
            "running": any(r.status in ("queued", "running") for r in page),
        },
    )


@login_required
@require_POST
def run_start(request):
    if not may_see_runs(request.user):
        raise Http404
    if not may_start_runs(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind")
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        day = None
    if kind not in RunKind.values or day is None:
        messages.error(request, _("Choose a job and a valid day."))
        return redirect("selfcheck-runs")
    tasks.start(kind, day, requested_by=request.user)
    messages.success(request, _("The job is queued; its progress shows below."))
    return redirect("selfcheck-runs")

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from safeloop.core.models import ExportFile, Notification
from safeloop.core.views import file_response
from safeloop.orgs.roles import ADMINS
from safeloop.web import selectors
from safeloop.web.filters import AuditEntryFilter


@login_required
def home(request):
    """Every role lands on what waits for it; the situation dashboard is one tap away."""
    return render(
        request,
        "web/home.html",
        {
            "todo": selectors.todo_for(request.user),
            "counts": selectors.home_counts(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def org_tree(request):
    return render(request, "web/org_tree.html", {"tree": selectors.org_tree_for(request.user)})


@login_required
@require_safe  # read-only: a POST is refused (405), never taken for a write
def audit_log(request):
    if not request.user.roles & ADMINS:
        raise Http404
    entries = selectors.audit_entries_for(request.user).select_related("content_type")
    filterset = AuditEntryFilter(request.GET, queryset=entries)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit_log.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


# ---------------------------------------------------------------- inbox
INBOX_PAGE_SIZE = 25


@login_required
def inbox(request):
    """The user's notifications from every part of the platform."""
    unread_only = bool(request.GET.get("unread"))
    notes = selectors.notifications_for(request.user, unread_only=unread_only)
    page = Paginator(notes, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def inbox_read(request, pk=None):
    """Mark one notification read (and open its link with `open`), or all of them."""
    notes = selectors.notifications_for(request.user, unread_only=True)
    if pk is not None:
        note = get_object_or_404(Notification, recipient=request.user, pk=pk)
        notes.filter(pk=note.pk).update(read_at=timezone.now())
        if request.POST.get("open") and url_has_allowed_host_and_scheme(
            note.link, allowed_hosts={request.get_host()}
        ):
            return redirect(note.link or "inbox")
    else:
        notes.update(read_at=timezone.now())
    return redirect("inbox")


@login_required
def exports(request):
    """The user's own large exports: being built, ready to download, failed or expired."""
    mine = ExportFile.objects.filter(owner=request.user)
    page = Paginator(mine, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = any(e.state in (ExportFile.State.QUEUED, ExportFile.State.RUNNING) for e in page)
    return render(
        request,
        "web/exports.html",
        {"page": page, "waiting": waiting, "keep_days": settings.EXPORT_KEEP_DAYS},
    )


@login_required
@require_safe
def export_file(request, pk):
    """Only the user who asked for an export gets its file (404 for everyone else)."""
    export = get_object_or_404(ExportFile, owner=request.user, pk=pk, state=ExportFile.State.DONE)
    return file_response(export.file)

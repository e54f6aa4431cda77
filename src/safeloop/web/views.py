from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from safeloop.dashboards.views import dashboard
from safeloop.orgs.roles import ADMINS, REGULATORS
from safeloop.web import selectors
from safeloop.web.filters import AuditEntryFilter


@login_required
def home(request):
    if request.user.roles & REGULATORS:  # regulators land on their situation dashboard
        return dashboard(request)
    return render(request, "web/home.html", {"counts": selectors.home_counts(request.user)})


@login_required
def org_tree(request):
    return render(request, "web/org_tree.html", {"tree": selectors.org_tree_for(request.user)})


@login_required
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

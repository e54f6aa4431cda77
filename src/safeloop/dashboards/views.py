"""The dashboards: one page per area (city, county, park; the user's scope), the enterprise's
own loop, and each figure as an Excel sheet. Every read goes through the user's scope, and
from the replica when one is configured and fresh (core/replica.py): `reporting_reads()`
comes after `login_required`, so the session and the user are read from the primary."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeloop.core.documents import workbook_response
from safeloop.core.replica import reporting_reads
from safeloop.dashboards import selectors
from safeloop.risks.views import map_context


def _focus(request):
    if not request.user.grants():
        raise Http404
    return selectors.focus_for(
        request.user,
        region=request.GET.get("region", "")[:6],
        park=request.GET.get("park", "")[:12],
    )


def _area(request):
    return selectors.area_dashboard(request.user, _focus(request))


@require_GET
@login_required
@reporting_reads()
def dashboard(request):
    if selectors.is_enterprise_user(request.user):
        data = selectors.enterprise_dashboard(request.user)
        return render(request, "dashboards/enterprise.html", data)
    data = _area(request)
    user = request.user
    data.update(
        drill_counties=selectors.counties_for(user, data["focus"]),
        drill_parks=selectors.parks_for(user, data["focus"]),
        **map_context(),
        charts=[t.chart_data() for t in data["tables"]],
    )
    return render(request, "dashboards/area.html", data)


@require_GET
@login_required
@reporting_reads()
def activity(request):
    """The panel of figures from the other loops, loaded by the area page after it renders."""
    if selectors.is_enterprise_user(request.user):
        raise Http404
    focus = _focus(request)
    tables = selectors.area_activity(request.user, focus)
    return render(request, "dashboards/_activity.html", {"tables": tables, "focus": focus})


@require_GET
@login_required
@reporting_reads()
def export(request, table):
    if selectors.is_enterprise_user(request.user):
        tables = selectors.enterprise_dashboard(request.user)["tables"]
        focus_title = ""
    else:
        focus = _focus(request)
        tables = selectors.area_dashboard(request.user, focus)["tables"]
        if not any(t.name == table for t in tables):  # the activity panel's, read only then
            tables = selectors.area_activity(request.user, focus)
        focus_title = focus.title
    found = next((t for t in tables if t.name == table), None)
    if found is None:
        raise Http404
    rows = ([r.label, *(c.value for c in r.cells)] for r in found.rows)
    header = [f"{focus_title} {found.title}".strip(), *found.columns]
    return workbook_response(f"{found.name}.xlsx", [(found.title, header, rows)])

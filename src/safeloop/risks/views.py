"""Risk pages: the overview with roll-ups, one enterprise's risks, a point, a hazard unit with
its calculation, and the four-colour map with its compact data endpoint."""

import tempfile
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safeloop.core.documents import xlsx_response
from safeloop.core.scoping import can
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.risks import cards, grading, selectors, services, spreadsheets
from safeloop.risks.choices import Level
from safeloop.risks.edit_views import may_edit_risks
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit, RiskPoint


def _enterprise(request, pk):
    return get_object_or_404(Enterprise.objects.for_user(request.user, "view"), pk=pk)


@login_required
def overview(request):
    level = request.GET.get("level", "")
    profiles = (
        EnterpriseRiskProfile.objects.for_user(request.user, "view")
        .select_related("enterprise__region", "enterprise__park")
        .order_by("enterprise__name")
    )
    if level in Level.values:
        profiles = profiles.filter(level=level)
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "risks/overview.html",
        {
            "by_region": selectors.rollup(request.user, "region"),
            "by_park": selectors.rollup(request.user, "park"),
            "page": page,
            "levels": Level.choices,
            "level": level,
        },
    )


@login_required
def enterprise_risks(request, pk):
    enterprise = _enterprise(request, pk)
    return render(
        request,
        "risks/enterprise.html",
        {
            "enterprise": enterprise,
            "profile": EnterpriseRiskProfile.objects.filter(enterprise=enterprise).first(),
            "points": selectors.points_for(request.user, enterprise),
            "units": selectors.units_for(request.user, enterprise),
            "may_edit": may_edit_risks(request.user, enterprise),
        },
    )


@login_required
def point_detail(request, pk):
    point = get_object_or_404(
        RiskPoint.objects.for_user(request.user, "view")
        .filter(is_deleted=False)
        .select_related("enterprise"),
        pk=pk,
    )
    return render(
        request,
        "risks/point.html",
        {
            "point": point,
            "assessments": point.assessments.select_related("scheme", "assessed_by"),
            "measures": point.measures.filter(is_deleted=False),
            "accident_types": point.accident_types.select_related("code_set"),
            "may_change": can(request.user, "change", point),
            "version": services.version_of(point),
        },
    )


def _card_response(points, filename: str) -> HttpResponse:
    response = HttpResponse(cards.render(points), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def point_card(request, pk):
    point = get_object_or_404(
        RiskPoint.objects.for_user(request.user, "view")
        .filter(is_deleted=False)
        .select_related("enterprise", "current_assessment"),
        pk=pk,
    )
    return _card_response([point], f"risk-card-{point.pk}.pdf")


@login_required
def enterprise_cards(request, pk):
    enterprise = _enterprise(request, pk)
    points = selectors.points_for(request.user, enterprise)
    if not points:
        raise Http404
    return _card_response(points, f"risk-cards-{enterprise.pk}.pdf")


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(
        HazardUnit.objects.for_user(request.user, "view")
        .filter(is_deleted=False)
        .select_related("enterprise"),
        pk=pk,
    )
    result = services.compute_unit(unit)
    rows = [
        (line, grading.dec(line.ratio), grading.dec(Fraction(line.beta) * line.ratio))
        for line in result.lines
    ]
    return render(
        request,
        "risks/unit.html",
        {
            "unit": unit,
            "rows": rows,
            "result": result,
            "may_change": can(request.user, "change", unit),
        },
    )


@login_required
def risk_map(request):
    return render(request, "risks/map.html", map_context())


def map_context() -> dict:
    """What risks/_map.html needs (the map page and the dashboards include it)."""
    return {
        "sectors": Sector.choices,
        "tile_url": getattr(settings, "MAP_TILE_URL", None) or "",
        "tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "has_boundaries": bool(getattr(settings, "MAP_BOUNDARIES_FILE", None)),
        "boundaries_attribution": getattr(settings, "MAP_BOUNDARIES_ATTRIBUTION", ""),
    }


@require_GET
@login_required
def map_data(request):
    body = selectors.map_payload(
        request.user,
        sector=request.GET.get("sector") or None,
        region_code=request.GET.get("region") or None,
    )
    return HttpResponse(body, content_type="application/json")


@require_GET
@login_required
def boundaries(request):
    response = HttpResponse(selectors.boundaries_json(), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def map_card(request, pk):
    enterprise = _enterprise(request, pk)
    return render(
        request,
        "risks/map_card.html",
        {
            "enterprise": enterprise,
            "profile": EnterpriseRiskProfile.objects.filter(enterprise=enterprise).first(),
        },
    )


@login_required
def export_points(request):
    points = RiskPoint.objects.for_user(request.user, "view").filter(is_deleted=False)
    if request.GET.get("enterprise"):
        points = points.filter(enterprise_id=request.GET["enterprise"])
    workbook = spreadsheets.export(points.order_by("enterprise__name", "name"))
    return xlsx_response(workbook, "risk-points.xlsx")


@login_required
def import_points(request):
    """Upload, check (dry run lists every error), then apply: all rows or none."""
    result = refused = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        apply = request.POST.get("action") == "apply"
        if not upload.name.lower().endswith(".xlsx"):
            refused = _("Only .xlsx files are accepted.")
        elif upload.size > spreadsheets.MAX_BYTES:
            refused = _("The file is larger than 10 MB.")
        else:
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    result = spreadsheets.import_points(
                        actor=request.user, path=tmp.name, apply=apply
                    )
                except spreadsheets.FileRefused as e:
                    refused = str(e)
    status = 400 if refused or (result and result.errors) else 200
    return render(
        request,
        "risks/import.html",
        {"result": result, "refused": refused, "headers": spreadsheets.HEADERS},
        status=status,
    )

"""Risk pages: the overview with roll-ups, one enterprise's risks, a point, a hazard unit with
its calculation, and the four-colour map with its compact data endpoint."""

import tempfile
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safeloop.core import exports as core_exports
from safeloop.core.counts import CappedPaginator
from safeloop.core.errors import NON_FIELD
from safeloop.core.scoping import can
from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.risks import cards, grading, selectors, services, spreadsheets
from safeloop.risks.choices import Level
from safeloop.risks.filters import MapFilter, RiskPointFilter, RiskProfileFilter
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit, RiskPoint


def _enterprise(request, pk):
    return get_for_user_or_404(Enterprise, request.user, pk)


def _live(model, *related):
    return model.objects.filter(is_deleted=False).select_related("enterprise", *related)


@login_required
def overview(request):
    # Live enterprises in the order of their name index (name, id), so a page is a walk of
    # that index, not a sort of the scope; the count stops at the kit's cap.
    profiles = (
        EnterpriseRiskProfile.objects.for_user(request.user, "view")
        .filter(enterprise__deleted_at__isnull=True)
        .select_related("enterprise__region", "enterprise__park")
        .order_by("enterprise__name", "enterprise_id")
    )
    filterset = RiskProfileFilter(request.GET, queryset=profiles, request=request)
    # The API answers a bad filter with 400; the page shows no rows for it, as the ledger.
    profiles = filterset.qs if filterset.is_valid() else profiles.none()
    page = CappedPaginator(profiles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "risks/overview.html",
        {
            "by_region": selectors.rollup(request.user, "region"),
            "by_park": selectors.rollup(request.user, "park"),
            "page": page,
            "levels": Level.choices,
            "level": request.GET.get("level", ""),
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
            "points": CappedPaginator(selectors.points_for(request.user, enterprise), 50).get_page(
                request.GET.get("page")
            ),
            "units": selectors.units_for(request.user, enterprise),
            "may_edit": selectors.may_edit_risks(request.user, enterprise),
        },
    )


@login_required
def point_detail(request, pk):
    return point_page(request, get_for_user_or_404(_live(RiskPoint), request.user, pk))


def point_page(request, point: RiskPoint, *, status: int = 200) -> HttpResponse:
    """The point page (also shown again, with the reason and its status, when a re-grade
    from its button is refused)."""
    return render(
        request,
        "risks/point.html",
        {
            "point": point,
            "assessments": point.assessments.select_related("scheme", "assessed_by"),
            "measures": point.measures.filter(is_deleted=False),
            "accident_types": point.accident_types.select_related("code_set"),
            "may_change": can(request.user, "change", point),
        },
        status=status,
    )


def _card_response(points, filename: str) -> HttpResponse:
    response = HttpResponse(cards.render(points), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def point_card(request, pk):
    point = get_for_user_or_404(_live(RiskPoint, "current_assessment"), request.user, pk)
    return _card_response([point], f"risk-card-{point.pk}.pdf")


@login_required
def enterprise_cards(request, pk):
    enterprise = _enterprise(request, pk)
    points = list(selectors.points_for(request.user, enterprise).prefetch_related("accident_types"))
    if not points:
        raise Http404
    return _card_response(points, f"risk-cards-{enterprise.pk}.pdf")


@login_required
def unit_detail(request, pk):
    unit = get_for_user_or_404(_live(HazardUnit), request.user, pk)
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
    filterset = MapFilter(request.GET)
    if not filterset.is_valid():
        return _bad_filter(filterset)
    body = selectors.map_payload(
        request.user,
        sector=filterset.form.cleaned_data.get("sector") or None,
        region_code=filterset.form.cleaned_data.get("region") or None,
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


def _bad_filter(filterset) -> JsonResponse:
    """400 in the API's error shape, for a filter the FilterSet refuses."""
    fields = {
        (NON_FIELD if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in filterset.errors.items()
    }
    message = _("Invalid filter.")
    return JsonResponse(
        {"error": {"code": "invalid", "message": message, "fields": fields}}, status=400
    )


def _filtered_points(request):
    points = RiskPoint.objects.for_user(request.user, "view").filter(is_deleted=False)
    return RiskPointFilter(request.GET, queryset=points, request=request)


@core_exports.register("risk-points", lambda: _("Risk points"))
def _point_export(request):
    filterset = _filtered_points(request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return queryset.order_by("enterprise__name", "name", "pk"), spreadsheets.point_sheets


@login_required
def export_points(request):
    """The list as filtered, in the import's columns: at once, or built by the worker when
    it is long (core.exports)."""
    filterset = _filtered_points(request)
    if not filterset.is_valid():  # a file of other rows than asked for would mislead
        return _bad_filter(filterset)
    return core_exports.respond(request, "risk-points")


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

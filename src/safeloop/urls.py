from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from safeloop.enterprises import api as enterprises_api
from safeloop.hazards import api as hazards_api
from safeloop.hazards import urls as hazards_urls
from safeloop.orgs import api as orgs_api
from safeloop.risks import api as risks_api

router = DefaultRouter()
router.register("regions", orgs_api.RegionViewSet)
router.register("parks", orgs_api.ParkViewSet)
router.register("grid-cells", orgs_api.GridCellViewSet)
router.register("risk-points", risks_api.RiskPointViewSet)
router.register("risk-assessments", risks_api.RiskAssessmentViewSet)
router.register("control-measures", risks_api.ControlMeasureViewSet)
router.register("hazard-units", risks_api.HazardUnitViewSet)
router.register("risk-profiles", risks_api.RiskProfileViewSet)
router.register("enterprises", enterprises_api.EnterpriseViewSet)
router.register("hazards", hazards_api.HazardViewSet)
router.register(
    r"enterprises/(?P<enterprise_pk>\d+)/personnel",
    enterprises_api.SpecialOperatorViewSet,
    basename="enterprise-personnel",
)
router.register(
    r"enterprises/(?P<enterprise_pk>\d+)/licences",
    enterprises_api.LicenceViewSet,
    basename="enterprise-licences",
)

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", orgs_api.me, name="api-me"),
    path("risk-reference/", risks_api.reference, name="api-risk-reference"),
    path("risk-rollup/", risks_api.rollup, name="api-risk-rollup"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("risks/", include("safeloop.risks.urls")),
    path("enterprises/", include("safeloop.enterprises.urls")),
    path("hazards/", include("safeloop.hazards.urls")),
    path("public/", include(hazards_urls.public)),
    path("dashboards/", include("safeloop.dashboards.urls")),
    path("", include("safeloop.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

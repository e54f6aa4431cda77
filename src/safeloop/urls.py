from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from safeloop.accidents import api as accidents_api
from safeloop.alerts import api as alerts_api
from safeloop.bulletins import api as bulletins_api
from safeloop.credit import api as credit_api
from safeloop.credit import urls as credit_urls
from safeloop.duties import api as duties_api
from safeloop.emergency import api as emergency_api
from safeloop.enforcement import api as enforcement_api
from safeloop.enforcement import urls as enforcement_urls
from safeloop.enterprises import api as enterprises_api
from safeloop.hazards import api as hazards_api
from safeloop.hazards import urls as hazards_urls
from safeloop.inspections import api as inspections_api
from safeloop.investment import api as investment_api
from safeloop.investment import urls as investment_urls
from safeloop.orgs import accounts_api
from safeloop.orgs import api as orgs_api
from safeloop.orgs import urls as orgs_urls
from safeloop.parkrisk import api as parkrisk_api
from safeloop.public import api as public_api
from safeloop.public import urls as public_urls
from safeloop.risks import api as risks_api
from safeloop.selfchecks import api as selfchecks_api
from safeloop.sourcecontrol import api as source_api
from safeloop.targets import api as targets_api
from safeloop.training import api as training_api
from safeloop.training import urls as training_urls

router = DefaultRouter()
router.register("regions", orgs_api.RegionViewSet)
router.register("parks", orgs_api.ParkViewSet)
router.register("grid-cells", orgs_api.GridCellViewSet)
router.register("departments", orgs_api.DepartmentViewSet)
router.register("accounts", accounts_api.AccountViewSet, basename="account")
router.register("tokens", accounts_api.TokenViewSet, basename="token")
router.register("risk-points", risks_api.RiskPointViewSet)
router.register("risk-assessments", risks_api.RiskAssessmentViewSet)
router.register("control-measures", risks_api.ControlMeasureViewSet)
router.register("hazard-units", risks_api.HazardUnitViewSet)
router.register("risk-profiles", risks_api.RiskProfileViewSet)
router.register("enterprises", enterprises_api.EnterpriseViewSet)
router.register("hazards", hazards_api.HazardViewSet)
router.register("accidents", accidents_api.AccidentViewSet)
router.register("selfcheck-tasks", selfchecks_api.TaskViewSet)
router.register("selfcheck-records", selfchecks_api.RecordViewSet)
router.register("selfcheck-runs", selfchecks_api.RunViewSet)
router.register("inspection-criteria", inspections_api.CriterionViewSet)
router.register("inspection-checklists", inspections_api.ChecklistViewSet)
router.register("inspection-plans", inspections_api.PlanViewSet)
router.register("inspection-visits", inspections_api.VisitViewSet)
router.register("inspection-results", inspections_api.ResultViewSet)
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
router.register("warnings", alerts_api.WarningViewSet)
router.register("bulletins", bulletins_api.BulletinViewSet)
router.register("emergency-resources", emergency_api.ResourceViewSet)
router.register("emergency-stocks", emergency_api.StockViewSet)
router.register("emergency-incidents", emergency_api.IncidentViewSet)
router.register("emergency-tasks", emergency_api.TaskViewSet)
router.register("emergency-plans", emergency_api.PlanViewSet, basename="emergency-plan")
router.register("emergency-drills", emergency_api.DrillViewSet, basename="emergency-drill")
router.register("emergency-duty-shifts", emergency_api.DutyShiftViewSet)
router.register("emergency-duty-log", emergency_api.DutyLogViewSet)
router.register("public-reports", public_api.PublicReportViewSet)
router.register("public-rewards", public_api.RewardViewSet)
router.register("public-articles", public_api.ArticleViewSet)
router.register("training-records", training_api.RecordViewSet)
router.register("training-annual", training_api.AnnualViewSet)
router.register("training-rules", training_api.RuleViewSet)
router.register("campaigns", training_api.CampaignViewSet)
router.register("campaign-activities", training_api.ActivityViewSet)
router.register("expense-years", investment_api.YearViewSet)
router.register("expense-uses", investment_api.UseViewSet)
router.register("expense-rate-tables", investment_api.TableViewSet)
router.register("insurance-rules", investment_api.InsuranceRuleViewSet)
router.register("source-experts", source_api.ExpertViewSet)
router.register("source-expert-relations", source_api.RelationViewSet)
router.register("source-contracts", source_api.ContractViewSet)
router.register("source-assignments", source_api.AssignmentViewSet)
router.register("source-visits", source_api.VisitViewSet)
router.register("source-catalogue", source_api.CatalogueViewSet)
router.register("source-inventory", source_api.InventoryViewSet)
router.register("source-matches", source_api.MatchViewSet)
router.register("source-elimination", source_api.EliminationViewSet)
router.register("source-cancellations", source_api.CancellationViewSet)
router.register("source-stop-orders", source_api.StopOrderViewSet)
router.register("park-assessments", parkrisk_api.AssessmentViewSet)
router.register("park-measures", parkrisk_api.MeasureViewSet, basename="park-measure")
router.register("park-assessment-rules", parkrisk_api.RuleViewSet)
router.register("responsibility-lists", duties_api.ListViewSet)
router.register("list-signatories", duties_api.SignatoryViewSet)
router.register("duty-templates", duties_api.TemplateViewSet)
router.register("department-duties", duties_api.DepartmentDutyViewSet)
router.register("credit-records", credit_api.RecordViewSet, basename="credit-record")
router.register("credit-listings", credit_api.ListingViewSet, basename="credit-listing")
router.register("target-indicators", targets_api.IndicatorViewSet)
router.register("target-indicator-kinds", targets_api.KindViewSet)
router.register("target-rules", targets_api.TargetRuleViewSet)
router.register("scoring-schemes", targets_api.SchemeViewSet)
router.register("responsibility-letters", targets_api.LetterViewSet)
router.register("target-assessments", targets_api.AssessmentViewSet)
router.register("target-results", targets_api.ResultViewSet)
router.register(
    "enforcement-documents", enforcement_api.DocumentViewSet, basename="api-enforcement-document"
)
router.register("penalty-cases", enforcement_api.CaseViewSet, basename="api-penalty-case")
router.register("sanctions", enforcement_api.SanctionViewSet, basename="api-sanction")
router.register(
    "accountability-proposals",
    enforcement_api.ProposalViewSet,
    basename="api-accountability-proposal",
)
router.register("enforcement-rules", enforcement_api.RuleViewSet, basename="api-enforcement-rule")
router.register(
    "enforcement-legal-bases", enforcement_api.LegalBasisViewSet, basename="api-legal-basis"
)

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", orgs_api.me, name="api-me"),
    path("risk-reference/", risks_api.reference, name="api-risk-reference"),
    path("risk-rollup/", risks_api.rollup, name="api-risk-rollup"),
    path("selfcheck-completion/", selfchecks_api.completion, name="api-selfcheck-completion"),
    path("key-units/", alerts_api.key_units, name="api-key-units"),
    path("emergency-nearest/", emergency_api.nearest, name="api-emergency-nearest"),
    path("expense-summary/", investment_api.summary, name="api-expense-summary"),
    path(
        "safety-expense-calculator/",
        investment_api.calculator,
        name="api-safety-expense-calculator",
    ),
    path("credit-exchange/", credit_api.exchange, name="api-credit-exchange"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("risks/", include("safeloop.risks.urls")),
    path("enterprises/", include("safeloop.enterprises.urls")),
    path("hazards/", include("safeloop.hazards.urls")),
    path("accidents/", include("safeloop.accidents.urls")),
    path("selfchecks/", include("safeloop.selfchecks.urls")),
    path("public/", include(hazards_urls.public)),
    path("public/", include(public_urls.public)),
    path("public/", include(training_urls.public)),
    path("public/", include(investment_urls.public)),
    path("public/", include(enforcement_urls.public)),
    path("public/", include(credit_urls.public)),
    path("public-reports/", include("safeloop.public.urls")),
    path("public-articles/", include(public_urls.articles)),
    path("open311/", include(public_urls.open311)),
    path("inspections/", include("safeloop.inspections.urls")),
    path("alerts/", include("safeloop.alerts.urls")),
    path("bulletins/", include("safeloop.bulletins.urls")),
    path("dashboards/", include("safeloop.dashboards.urls")),
    path("emergency/", include("safeloop.emergency.urls")),
    path("training/", include("safeloop.training.urls")),
    path("investment/", include("safeloop.investment.urls")),
    path("source/", include("safeloop.sourcecontrol.urls")),
    path("parkrisk/", include("safeloop.parkrisk.urls")),
    path("duties/", include("safeloop.duties.urls")),
    path("crackdown/", include("safeloop.crackdown.urls")),
    path("enforcement/", include("safeloop.enforcement.urls")),
    path("prediction/", include("safeloop.prediction.urls")),
    path("targets/", include("safeloop.targets.urls")),
    path("credit/", include("safeloop.credit.urls")),
    path("accounts/", include("safeloop.orgs.urls")),
    path("organisation/", include(orgs_urls.units)),
    path("", include(orgs_urls.public)),
    path("", include("safeloop.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

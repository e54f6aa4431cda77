from django.urls import path

from safeloop.crackdown import views

urlpatterns = [
    path("", views.case_list, name="crackdown-list"),
    path("cases/new/", views.case_new, name="crackdown-case-new"),
    path("cases/<int:pk>/", views.case_detail, name="crackdown-case"),
    path("actions/<int:pk>/document/", views.action_document, name="crackdown-action-document"),
    path("from-report/<int:pk>/", views.from_report, name="crackdown-from-report"),
    path("campaigns/", views.campaign_list, name="crackdown-campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="crackdown-campaign"),
    path("operations/", views.operation_list, name="crackdown-operations"),
    path("statistics/", views.statistics, name="crackdown-stats"),
    path("rules/", views.rules, name="crackdown-rules"),
]

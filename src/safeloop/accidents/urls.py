from django.urls import path

from safeloop.accidents import case_views, statistics_views, views

urlpatterns = [
    path("", views.accident_list, name="accident-list"),
    path("export/", views.accident_export, name="accident-export"),
    path("statistics/", statistics_views.statistics_page, name="accident-statistics"),
    path("statistics.xlsx", statistics_views.statistics_export, name="accident-statistics-export"),
    path("new/", views.accident_create, name="accident-create"),
    path("<int:pk>/", views.accident_detail, name="accident-detail"),
    path("<int:pk>/edit/", views.accident_edit, name="accident-edit"),
    path("<int:pk>/void/", views.accident_void, name="accident-void"),
    path("<int:pk>/report-onward/", views.accident_report_onward, name="accident-report-onward"),
    path("<int:pk>/investigation/", case_views.investigation, name="accident-investigation"),
    path(
        "<int:pk>/investigation/report/",
        case_views.investigation_report,
        name="accident-investigation-report",
    ),
]

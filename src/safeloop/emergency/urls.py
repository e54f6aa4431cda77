from django.urls import path

from safeloop.emergency import views

urlpatterns = [
    path("", views.home, name="emergency-home"),
    path("resources/", views.resource_list, name="emergency-resource-list"),
    path("resources/export/", views.resource_export, name="emergency-resource-export"),
    path("resources/new/", views.resource_create, name="emergency-resource-create"),
    path("resources/<int:pk>/", views.resource_detail, name="emergency-resource-detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="emergency-resource-edit"),
    path("resources/<int:pk>/confirm/", views.resource_confirm, name="emergency-resource-confirm"),
    path("resources/<int:pk>/stocks/", views.stock_add, name="emergency-stock-add"),
    path("stocks/<int:pk>/edit/", views.stock_edit, name="emergency-stock-edit"),
    path("nearest/", views.nearest, name="emergency-nearest"),
    path("rules/", views.rule_list, name="emergency-rules"),
    path("map.json", views.map_data, name="emergency-map-data"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/log/", views.incident_log, name="incident-log"),
    path("incidents/<int:pk>/escalate/", views.incident_escalate, name="incident-escalate"),
    path("incidents/<int:pk>/dispatch/", views.incident_dispatch, name="incident-dispatch"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident-close"),
    path("incidents/<int:pk>/report.pdf", views.incident_report, name="incident-report"),
    path("tasks/<int:pk>/move/", views.task_move, name="emergency-task-move"),
]

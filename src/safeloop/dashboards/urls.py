from django.urls import path

from safeloop.dashboards import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("activity/", views.activity, name="dashboard-activity"),
    path("export/<slug:table>.xlsx", views.export, name="dashboard-export"),
]

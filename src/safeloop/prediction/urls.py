from django.urls import path

from safeloop.prediction import views

urlpatterns = [
    path("", views.report, name="prediction-report"),
    path("rules/", views.rules, name="prediction-rules"),
]

from django.urls import path

from safeloop.public import views

# /public-reports/: the regulators' triage and the administrators' rules (signed in).
urlpatterns = [
    path("", views.triage_list, name="public-triage"),
    path("<int:pk>/", views.triage_detail, name="public-triage-detail"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="public-photo"),
    path("rules/", views.rules, name="public-rules"),
]

# Registered under /public/: no sign-in.
public = [
    path("reports/new/", views.report, name="public-report-new"),
    path("reports/sent/", views.report_sent, name="public-report-sent"),
    path("track/", views.track, name="public-track"),
    path("track/feedback/", views.feedback, name="public-feedback"),
    path("exposure/", views.exposure, name="public-exposure"),
]

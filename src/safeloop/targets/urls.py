from django.urls import path

from safeloop.targets import views

urlpatterns = [
    path("", views.indicators, name="targets-indicators"),
    path("letters/", views.letters, name="targets-letters"),
    path("letters/<int:pk>/", views.letter, name="targets-letter"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="targets-letter-scan"),
    path("entries/<int:pk>/evidence/", views.entry_evidence, name="targets-evidence"),
    path("assessment/", views.assessment, name="targets-assessment"),
    path("assessment/<int:pk>/report.pdf", views.report_pdf, name="targets-report"),
    path("assessment/<int:pk>/results.xlsx", views.results_xlsx, name="targets-results-xlsx"),
    path("results/<int:pk>/", views.result, name="targets-result"),
    path("rules/", views.rules, name="targets-rules"),
    path("awards/", views.awards, name="targets-awards"),
]

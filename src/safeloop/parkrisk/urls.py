from django.urls import path

from safeloop.parkrisk import views

urlpatterns = [
    path("", views.assessment_list, name="parkrisk-list"),
    path("<int:pk>/", views.assessment_detail, name="parkrisk-assessment"),
    path("<int:pk>/report.pdf", views.report, name="parkrisk-report"),
    path("<int:pk>/<str:move>/", views.assessment_move, name="parkrisk-move"),
    path("measures/<int:pk>/<str:move>/", views.measure_move, name="parkrisk-measure-move"),
    path("rules/", views.rules, name="parkrisk-rules"),
]

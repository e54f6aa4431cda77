from django.urls import path

from safeloop.selfchecks import views

urlpatterns = [
    path("", views.my_tasks, name="selfcheck-mine"),
    path("tasks/", views.task_list, name="selfcheck-tasks"),
    path("tasks/export.xlsx", views.task_export, name="selfcheck-export"),
    path("tasks/<int:pk>/", views.task_detail, name="selfcheck-task"),
    path("tasks/<int:pk>/record/", views.task_record, name="selfcheck-record"),
    path("tasks/<int:pk>/photos/<int:photo_pk>/", views.photo, name="selfcheck-photo"),
    path("completion/", views.completion, name="selfcheck-completion"),
    path("runs/", views.runs, name="selfcheck-runs"),
    path("runs/start/", views.run_start, name="selfcheck-run-start"),
]

from django.urls import path

from safeloop.accidents import views

urlpatterns = [
    path("", views.accident_list, name="accident-list"),
    path("export/", views.accident_export, name="accident-export"),
    path("new/", views.accident_create, name="accident-create"),
    path("<int:pk>/", views.accident_detail, name="accident-detail"),
    path("<int:pk>/edit/", views.accident_edit, name="accident-edit"),
    path("<int:pk>/void/", views.accident_void, name="accident-void"),
]

from django.urls import path

from safeloop.alerts import views

urlpatterns = [
    path("", views.warning_list, name="warning-list"),
    path("acknowledge/", views.warning_acknowledge_many, name="warning-acknowledge-many"),
    path("<int:pk>/", views.warning_detail, name="warning-detail"),
    path("<int:pk>/move/<slug:move>/", views.warning_move, name="warning-move"),
    path("key-units/", views.key_unit_list, name="key-unit-list"),
    path("key-units/export.xlsx", views.key_unit_export, name="key-unit-export"),
]

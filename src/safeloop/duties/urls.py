from django.urls import path

from safeloop.duties import views

urlpatterns = [
    path("", views.home, name="duties-home"),
    path("enterprises/<int:pk>/", views.enterprise, name="duties-enterprise"),
    path("lists/<int:pk>/", views.list_detail, name="duties-list"),
    path("signatories/<int:pk>/acknowledge/", views.acknowledge, name="duties-acknowledge"),
    path("templates/", views.templates, name="duties-templates"),
    path("departments/", views.departments, name="duties-departments"),
]

from django.urls import path

from safeloop.bulletins import views

urlpatterns = [
    path("", views.bulletin_list, name="bulletin-list"),
    path("generate/", views.bulletin_generate, name="bulletin-generate"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("<int:pk>/regenerate/", views.bulletin_regenerate, name="bulletin-regenerate"),
    path("<int:pk>/bulletin.pdf", views.bulletin_download, {"kind": "pdf"}, name="bulletin-pdf"),
    path("<int:pk>/bulletin.xlsx", views.bulletin_download, {"kind": "xlsx"}, name="bulletin-xlsx"),
]

from django.urls import path

from safeloop.enterprises import import_views, views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("new/", views.enterprise_create, name="enterprise-create"),
    path("bulk/", views.bulk_edit, name="enterprise-bulk"),
    path("export/", import_views.export, name="enterprise-export"),
    path("import/", import_views.import_upload, name="enterprise-import-upload"),
    path("import/template/", import_views.template_download, name="enterprise-import-template"),
    path("import/<str:token>/", import_views.import_detail, name="enterprise-import"),
    path(
        "import/<str:token>/confirm/",
        import_views.import_confirm,
        name="enterprise-import-confirm",
    ),
    path("import/<str:token>/retry/", import_views.import_retry, name="enterprise-import-retry"),
    path("import/<str:token>/errors/", import_views.import_errors, name="enterprise-import-errors"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("<int:pk>/personnel/", views.operator_add, name="enterprise-operator-add"),
    path("<int:pk>/licences/", views.licence_add, name="enterprise-licence-add"),
    path("<int:pk>/documents/", views.document_add, name="enterprise-document-add"),
    path(
        "<int:pk>/documents/<int:doc_pk>/",
        views.document_download,
        name="enterprise-document",
    ),
    path("<int:pk>/requests/", views.change_request_create, name="enterprise-request"),
    path(
        "<int:pk>/requests/<int:request_pk>/",
        views.change_request_decide,
        name="enterprise-request-decide",
    ),
]

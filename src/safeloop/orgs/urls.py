from django.urls import path

from safeloop.orgs import unit_views, views

urlpatterns = [
    path("", views.account_list, name="account-list"),
    path("new/", views.account_new, name="account-new"),
    path("<int:pk>/", views.account_detail, name="account-detail"),
    path("<int:pk>/edit/", views.account_edit, name="account-edit"),
    path("<int:pk>/disable/", views.account_disable, name="account-disable"),
    path("<int:pk>/enable/", views.account_enable, name="account-enable"),
    path("<int:pk>/invite/", views.account_invite, name="account-invite"),
    path("<int:pk>/grant/", views.account_grant, name="account-grant"),
    path("<int:pk>/roles/<int:assignment>/revoke/", views.account_revoke, name="account-revoke"),
    path(
        "<int:pk>/tokens/<int:token>/revoke/",
        views.account_token_revoke,
        name="account-token-revoke",
    ),
    path("import/", views.account_import, name="account-import"),
    path("import/template/", views.account_import_template, name="account-import-template"),
    path("tokens/", views.my_tokens, name="my-tokens"),
    path("tokens/<int:token>/revoke/", views.my_token_revoke, name="my-token-revoke"),
    path("password/", views.password_change, name="password-change"),
]

public = [
    path("activate/", views.activate, name="activate"),
    path("activate/<str:code>/", views.activate, name="activate-code"),
]

# Mounted at /organisation/: parks (park), grid cells (grid) and departments (department).
units = [
    path("<str:kind>/", unit_views.unit_list, name="unit-list"),
    path("<str:kind>/new/", unit_views.unit_new, name="unit-new"),
    path("<str:kind>/<int:pk>/", unit_views.unit_detail, name="unit-detail"),
    path("<str:kind>/<int:pk>/edit/", unit_views.unit_edit, name="unit-edit"),
]

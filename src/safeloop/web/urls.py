from django.contrib.auth import views as auth_views
from django.urls import path

from safeloop.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("org/", views.org_tree, name="org-tree"),
    path("audit/", views.audit_log, name="audit-log"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read-all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/file/", views.export_file, name="export-file"),
    # The inbox's first addresses, from when the hidden-danger screens served it: links in
    # mails and bookmarks keep working.
    path("hazards/inbox/", views.inbox, name="hazard-inbox"),
    path("hazards/inbox/read/", views.inbox_read, name="hazard-inbox-read-all"),
    path("hazards/inbox/<int:pk>/read/", views.inbox_read, name="hazard-inbox-read"),
]

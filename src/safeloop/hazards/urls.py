from django.urls import path
from django.views.generic import RedirectView

from safeloop.hazards import views

urlpatterns = [
    path("", views.hazard_list, name="hazard-list"),
    path("export.xlsx", views.hazard_export, name="hazard-export"),
    path("new/", views.hazard_register, name="hazard-register"),
    path("<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("<int:pk>/move/<slug:move>/", views.hazard_move, name="hazard-move"),
    path("<int:pk>/photos/", views.hazard_photo, name="hazard-photo-add"),
    path("<int:pk>/notice.pdf", views.hazard_notice, name="hazard-notice"),
    path("<int:pk>/listing-notice.pdf", views.hazard_listing_notice, name="hazard-listing-notice"),
    path("statistics/", views.statistics, name="hazard-statistics"),
    path("statistics/<slug:table>.xlsx", views.statistics_export, name="hazard-statistics-export"),
]

# Registered under /public/: no sign-in. The first public pages now live in the public app
# (tracked reports, the exposure page); their old addresses stay as permanent redirects.
public = [
    path(
        "hazards/overdue/",
        RedirectView.as_view(pattern_name="public-exposure", permanent=True),
        name="public-overdue",
    ),
    path(
        "report/",
        RedirectView.as_view(pattern_name="public-report-new", permanent=True),
        name="public-report",
    ),
    path(
        "report/thanks/",
        RedirectView.as_view(pattern_name="public-track", permanent=True),
        name="public-report-thanks",
    ),
]

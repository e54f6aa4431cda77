from django.urls import path

from safeloop.credit import views

urlpatterns = [
    path("", views.record_list, name="credit-list"),
    path("records/<int:pk>/", views.record_detail, name="credit-record"),
    path("events/<int:pk>/source/", views.event_source, name="credit-event-source"),
    path("events/<int:pk>/void/", views.event_void, name="credit-event-void"),
    path("listings/", views.listing_list, name="credit-listings"),
    path("listings/<int:pk>/", views.listing_detail, name="credit-listing"),
    path("rules/", views.rules, name="credit-rules"),
]

# Registered under /public/: no sign-in.
public = [path("credit/", views.public_list, name="public-credit")]

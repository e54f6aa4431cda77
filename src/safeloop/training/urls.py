from django.urls import path

from safeloop.training import views

urlpatterns = [
    path("", views.record_list, name="training-list"),
    path("enterprises/<int:pk>/", views.enterprise, name="training-enterprise"),
    path("records/<int:pk>/", views.record_detail, name="training-record"),
    path("records/<int:pk>/void/", views.record_void, name="training-record-void"),
    path("rules/", views.rules, name="training-rules"),
    path("campaigns/", views.campaign_list, name="training-campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="training-campaign"),
]

# Registered under /public/: no sign-in.
public = [
    path("campaigns/", views.public_campaigns, name="public-campaigns"),
]

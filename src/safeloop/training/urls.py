from django.urls import path

from safeloop.training import views

urlpatterns = [
    path("", views.record_list, name="training-list"),
    path("enterprises/<int:pk>/", views.enterprise, name="training-enterprise"),
    path("records/<int:pk>/", views.record_detail, name="training-record"),
    path("records/<int:pk>/scan/", views.record_scan, name="training-record-scan"),
    path("records/<int:pk>/void/", views.record_void, name="training-record-void"),
    path("rules/", views.rules, name="training-rules"),
    path("campaigns/", views.campaign_list, name="training-campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="training-campaign"),
    path("materials/<int:pk>/", views.material_file, name="training-material"),
]

# Registered under /public/: no sign-in.
public = [
    path("campaigns/", views.public_campaigns, name="public-campaigns"),
    path(
        "campaigns/materials/<int:pk>/", views.public_material_file, name="public-campaign-material"
    ),
]

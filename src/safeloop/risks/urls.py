from django.urls import path

from safeloop.risks import views

urlpatterns = [
    path("", views.overview, name="risk-overview"),
    path("enterprises/<int:pk>/", views.enterprise_risks, name="risk-enterprise"),
    path("points/<int:pk>/", views.point_detail, name="risk-point"),
    path("points/<int:pk>/card.pdf", views.point_card, name="risk-point-card"),
    path("enterprises/<int:pk>/cards.pdf", views.enterprise_cards, name="risk-enterprise-cards"),
    path("units/<int:pk>/", views.unit_detail, name="risk-unit"),
    path("export.xlsx", views.export_points, name="risk-export"),
    path("import/", views.import_points, name="risk-import"),
    path("map/", views.risk_map, name="risk-map"),
    path("map/data.json", views.map_data, name="risk-map-data"),
    path("map/boundaries.geojson", views.boundaries, name="risk-map-boundaries"),
    path("map/card/<int:pk>/", views.map_card, name="risk-map-card"),
]

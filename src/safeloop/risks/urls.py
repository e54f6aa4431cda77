from django.urls import path

from safeloop.risks import edit_views, views

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
    # create and change (edit_views)
    path("enterprises/<int:pk>/points/new/", edit_views.point_create, name="risk-point-create"),
    path("points/<int:pk>/edit/", edit_views.point_edit, name="risk-point-edit"),
    path("points/<int:pk>/assess/", edit_views.point_assess, name="risk-point-assess"),
    path("points/<int:pk>/regrade/", edit_views.point_regrade, name="risk-point-regrade"),
    path("points/<int:pk>/delete/", edit_views.point_delete, name="risk-point-delete"),
    path("points/<int:pk>/measures/new/", edit_views.measure_create, name="risk-measure-create"),
    path("measures/<int:pk>/edit/", edit_views.measure_edit, name="risk-measure-edit"),
    path("measures/<int:pk>/delete/", edit_views.measure_delete, name="risk-measure-delete"),
    path("enterprises/<int:pk>/units/new/", edit_views.unit_create, name="risk-unit-create"),
    path("units/<int:pk>/edit/", edit_views.unit_edit, name="risk-unit-edit"),
    path("units/<int:pk>/delete/", edit_views.unit_delete, name="risk-unit-delete"),
]

from django.urls import path

from safeloop.sourcecontrol import views

urlpatterns = [
    path("", views.home, name="source-home"),
    path("experts/", views.experts, name="source-experts"),
    path("experts/<int:pk>/", views.expert, name="source-expert"),
    path("relations/<int:pk>/void/", views.relation_void, name="source-relation-void"),
    path("contracts/", views.contracts, name="source-contracts"),
    path("contracts/<int:pk>/", views.contract, name="source-contract"),
    path("assignments/<int:pk>/", views.assignment, name="source-assignment"),
    path("visits/<int:pk>/", views.visit, name="source-visit"),
    path("catalogue/", views.catalogue, name="source-catalogue"),
    path("inventory/<int:pk>/", views.inventory, name="source-inventory"),
    path("elimination/", views.eliminations, name="source-eliminations"),
    path("elimination/<int:pk>/", views.elimination, name="source-elimination"),
    path("cancellations/", views.cancellations, name="source-cancellations"),
    path("cancellations/<int:pk>/", views.cancellation, name="source-cancellation"),
    path("stop-orders/", views.stop_orders, name="source-stop-orders"),
    path("stop-orders/<int:pk>/", views.stop_order, name="source-stop-order"),
]

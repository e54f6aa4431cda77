from django.urls import path

from safeloop.investment import views

urlpatterns = [
    path("", views.home, name="investment-home"),
    path("enterprises/<int:pk>/", views.enterprise, name="investment-enterprise"),
    path("uses/<int:pk>/", views.use_detail, name="investment-use"),
    path("uses/<int:pk>/void/", views.use_void, name="investment-use-void"),
    path("uses/<int:pk>/voucher/", views.voucher, name="investment-voucher"),
    path("rules/", views.rules, name="investment-rules"),
]

# Registered under /public/: no sign-in.
public = [
    path("safety-expense/", views.public_calculator, name="public-expense-calculator"),
]

from django.urls import path

from safeloop.inspections import checklist_views, views

urlpatterns = [
    path("", views.plan_list, name="inspection-plans"),
    path("plans.xlsx", views.plan_export, name="inspection-plans-export"),
    path("plans/new/", views.plan_create, name="inspection-plan-new"),
    path("plans/<int:pk>/", views.plan_detail, name="inspection-plan"),
    path(
        "plans/<int:pk>/targets.xlsx", views.plan_targets_export, name="inspection-targets-export"
    ),
    path("plans/<int:pk>/preview/", views.plan_preview, name="inspection-plan-preview"),
    path("plans/<int:pk>/visits/", views.plan_add_visit, name="inspection-plan-add-visit"),
    path("plans/<int:pk>/<slug:action>/", views.plan_action, name="inspection-plan-action"),
    path("calendar/", views.calendar_view, name="inspection-calendar"),
    path("visits/", views.visit_list, name="inspection-visits"),
    path("visits.xlsx", views.visit_export, name="inspection-visits-export"),
    path("visits/<int:pk>/", views.visit_detail, name="inspection-visit"),
    path("visits/<int:pk>/submit/", views.visit_submit, name="inspection-visit-submit"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="inspection-visit-cancel"),
    path("visits/<int:pk>/record.pdf", views.visit_record, name="inspection-visit-record"),
    path("photos/<int:pk>/", views.visit_photo, name="inspection-photo"),
    path("enterprises/<int:pk>/", views.enterprise_history, name="inspection-history"),
    path("coverage/", views.coverage, name="inspection-coverage"),
    path("analogy/<int:accident_pk>/", views.analogy_plan, name="inspection-analogy"),
    path("criteria/", views.criteria_library, name="inspection-criteria"),
    path("policy/", views.targeting_policy, name="inspection-policy"),
    path("checklists/", checklist_views.checklist_list, name="inspection-checklists"),
    path("checklists/new/", checklist_views.checklist_new, name="inspection-checklist-new"),
    path("checklists/<int:pk>/", checklist_views.checklist_detail, name="inspection-checklist"),
    path(
        "checklists/<int:pk>/edit/",
        checklist_views.checklist_edit,
        name="inspection-checklist-edit",
    ),
    path(
        "checklists/<int:pk>/retire/",
        checklist_views.checklist_retire,
        name="inspection-checklist-retire",
    ),
    path("checklists/<int:pk>/items/new/", checklist_views.item_new, name="inspection-item-new"),
    path("items/<int:pk>/edit/", checklist_views.item_edit, name="inspection-item-edit"),
    path("items/<int:pk>/retire/", checklist_views.item_retire, name="inspection-item-retire"),
]

from django.urls import path

from safeloop.enforcement import views

urlpatterns = [
    path("", views.document_list, name="enforcement-documents"),
    path("documents/new/", views.document_new, name="enforcement-document-new"),
    path("documents/<int:pk>/", views.document_detail, name="enforcement-document"),
    path("documents/<int:pk>/document.pdf", views.document_pdf, name="enforcement-document-pdf"),
    path("documents/<int:pk>/<slug:move>/", views.document_move, name="enforcement-document-move"),
    path("cases/", views.case_list, name="enforcement-cases"),
    path("cases/new/", views.case_new, name="enforcement-case-new"),
    path("cases/<int:pk>/", views.case_detail, name="enforcement-case"),
    path("cases/<int:pk>/decision.pdf", views.case_pdf, name="enforcement-case-pdf"),
    path("cases/<int:pk>/<slug:move>/", views.case_move, name="enforcement-case-move"),
    path("proposals/", views.proposal_list, name="enforcement-proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="enforcement-proposal"),
    path("sanctions/", views.sanction_list, name="enforcement-sanctions"),
    path("sanctions/new/", views.sanction_new, name="enforcement-sanction-new"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="enforcement-sanction"),
    path("sanctions/<int:pk>/notice.pdf", views.sanction_pdf, name="enforcement-sanction-pdf"),
    path(
        "sanctions/<int:pk>/response.pdf",
        views.sanction_response,
        name="enforcement-sanction-response",
    ),
    path("sanctions/<int:pk>/<slug:move>/", views.sanction_move, name="enforcement-sanction-move"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="enforcement-commitment-done"),
    path("rules/", views.rules, name="enforcement-rules"),
]

# Registered under /public/: no sign-in.
public = [
    path("sanctions/", views.public_sanctions, name="public-sanctions"),
]

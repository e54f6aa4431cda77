from django.urls import path, re_path

from safeloop.public import article_views, open311_views, rewards_views, views

# /public-reports/: the regulators' triage and the administrators' rules (signed in).
urlpatterns = [
    path("", views.triage_list, name="public-triage"),
    path("<int:pk>/", views.triage_detail, name="public-triage-detail"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="public-photo"),
    path("rules/", views.rules, name="public-rules"),
    path("<int:pk>/reward/", rewards_views.propose, name="public-reward-propose"),
    path("rewards/", rewards_views.reward_list, name="public-rewards"),
    path("rewards/<int:pk>/", rewards_views.reward_detail, name="public-reward"),
    path("open311-clients/", open311_views.clients, name="public-open311-clients"),
    path(
        "open311-clients/<int:pk>/revoke/",
        open311_views.revoke,
        name="public-open311-client-revoke",
    ),
]

# /public-articles/: the regulators' articles of the public site (signed in).
articles = [
    path("", article_views.article_list, name="public-article-list"),
    path("new/", article_views.article_new, name="public-article-new"),
    path("<int:pk>/", article_views.article_edit, name="public-article-edit"),
    path("<int:pk>/publish/", article_views.article_publish, name="public-article-publish"),
    path("<int:pk>/withdraw/", article_views.article_withdraw, name="public-article-withdraw"),
    path(
        "attachments/<int:pk>/",
        article_views.attachment_file,
        name="public-article-attachment-file",
    ),
]

# Registered under /public/: no sign-in.
public = [
    path("", article_views.home, name="public-home"),
    path("articles/", article_views.articles_by_kind, name="public-articles"),
    path("articles/<int:pk>/", article_views.article, name="public-article"),
    path(
        "articles/attachments/<int:pk>/",
        article_views.public_attachment,
        name="public-article-attachment",
    ),
    path("articles/feed.atom", article_views.ArticleFeed(), name="public-article-feed"),
    path("reports/new/", views.report, name="public-report-new"),
    path("reports/sent/", views.report_sent, name="public-report-sent"),
    path("track/", views.track, name="public-track"),
    path("track/feedback/", views.feedback, name="public-feedback"),
    path("exposure/", views.exposure, name="public-exposure"),
]

# Registered under /open311/: the GeoReport v2 server (no sign-in; POST takes an API key).
FMT = r"\.(?P<fmt>json|xml)$"
open311 = [
    re_path(r"^(?:v2/)?discovery" + FMT, open311_views.discovery, name="open311-discovery"),
    re_path(r"^v2/services" + FMT, open311_views.service_list, name="open311-services"),
    re_path(
        r"^v2/services/(?P<code>[\w-]+)" + FMT,
        open311_views.service_definition,
        name="open311-service",
    ),
    re_path(r"^v2/requests" + FMT, open311_views.requests, name="open311-requests"),
    re_path(
        r"^v2/requests/(?P<pk>\d{1,18})" + FMT, open311_views.one_request, name="open311-request"
    ),
    re_path(r"^v2/tokens/(?P<token>[\w-]{1,20})" + FMT, open311_views.token, name="open311-token"),
]

"""The public site's articles: the lifecycle through the services, every role inside and
outside scope on the screens and the API, and what the public sees (home, lists, article
pages, attachments, the Atom feed)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeloop.accidents import services as accident_services
from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import Role
from safeloop.public import articles
from safeloop.public.choices import ArticleKind, ArticleState
from safeloop.public.models import ARTICLE_EDITORS, Article, ArticleAttachment
from tests.scope import ROLES, assert_list_in_scope, assert_status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 article attachment"
# Who sees and edits an article of world.county (640104): the editors whose scope covers it.
COUNTY_EDITORS = ARTICLE_EDITORS


def pdf(name="notice.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft(world, region=None, actor=None, **fields):
    values = {
        "kind": ArticleKind.NOTICE,
        "title": "关于开展安全生产大检查的通知",
        "summary": "全市开展为期一个月的大检查",
        "body": "各县区：\n\n为切实做好安全生产工作，现通知如下。",
        **fields,
    }
    return articles.create_article(
        actor=actor or world.user(Role.COUNTY_ADMIN), region=region or world.county, **values
    )


def published(world, **fields):
    article = draft(world, **fields)
    return articles.publish(actor=world.user(Role.COUNTY_ADMIN), article=article, version=1)


# ------------------------------------------------------------------ services
def test_it_walks_draft_published_withdrawn_and_keeps_the_first_publication(world):
    editor = world.user(Role.COUNTY_INSPECTOR)
    article = draft(world, actor=editor)
    assert article.state == ArticleState.DRAFT and article.published_at is None
    article = articles.publish(actor=editor, article=article, version=1)
    assert article.state == ArticleState.PUBLISHED and article.version == 2
    first = article.published_at
    article = articles.withdraw(actor=editor, article=article, version=2)
    assert article.state == ArticleState.WITHDRAWN
    article = articles.publish(actor=editor, article=article, version=3)
    assert article.state == ArticleState.PUBLISHED and article.published_at == first
    with pytest.raises(IllegalMove):  # no publish from published
        articles.publish(actor=editor, article=article, version=4)
    actions = set(
        AuditEntry.objects.filter(object_id=str(article.pk)).values_list("action", flat=True)
    )
    assert {"public.article.create", "public.article.publish", "public.article.withdraw"} <= (
        actions
    )


def test_it_refuses_a_stale_version_and_bad_input_changing_nothing(world):
    article = draft(world)
    editor = world.user(Role.CITY_ADMIN)
    with pytest.raises(Conflict):
        articles.update_article(actor=editor, article=article, version=7, title="新标题")
    with pytest.raises(Invalid) as blank:
        articles.update_article(actor=editor, article=article, version=1, title="  ")
    assert "title" in blank.value.fields()
    with pytest.raises(Invalid) as empty:
        draft(world, body=" ")
    assert "body" in empty.value.fields()
    article.refresh_from_db()
    assert article.title == "关于开展安全生产大检查的通知" and article.version == 1
    assert Article.objects.count() == 1


def test_it_keeps_each_county_to_its_own_and_links_only_what_the_editor_sees(world):
    county = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(Invalid) as elsewhere:
        draft(world, region=world.sibling_county, actor=county)
    assert "region" in elsewhere.value.fields()
    with pytest.raises(Invalid):  # a county editor cannot publish for the whole city
        draft(world, region=world.city, actor=county)
    city_article = draft(world, region=world.city, actor=world.user(Role.CITY_ADMIN))
    with pytest.raises(NotFound):
        articles.publish(actor=county, article=city_article, version=1)
    with pytest.raises(NotPermitted):
        draft(world, actor=world.user(Role.PARK_OFFICER))
    outside = accident_services.record(
        actor=world.user(Role.SYSTEM_ADMIN),
        enterprise=world.outside,
        occurred_at=timezone.now() - timedelta(hours=1),
        place="车间",
        summary="机械伤害",
        direct_loss=Decimal("1000"),
    )
    with pytest.raises(Invalid) as accident:
        draft(world, actor=county, kind=ArticleKind.CASE, accident=outside)
    assert "accident" in accident.value.fields()


def test_it_attaches_only_pdfs(world):
    article = draft(world)
    editor = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(Invalid) as wrong:
        articles.add_attachment(
            actor=editor,
            article=article,
            title="图片",
            file=SimpleUploadedFile("a.pdf", b"GIF89a", content_type="application/pdf"),
        )
    assert "file" in wrong.value.fields()
    attachment = articles.add_attachment(actor=editor, article=article, title="附件", file=pdf())
    assert attachment.article == article and ArticleAttachment.objects.count() == 1


# ------------------------------------------------------------------ API
@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_the_api(api, world, role):
    article = draft(world)
    sees = role in COUNTY_EDITORS
    api.as_user(world.users[role])
    base = f"/api/v1/public-articles/{article.pk}/"
    assert_status(api.get(base), 200 if sees else 404)
    assert_status(api.patch(base, {"summary": "更正", "version": 1}), 200 if sees else 404)
    assert_status(api.post(f"{base}publish/", {"version": 2}), 200 if sees else 404)
    assert_status(api.post(f"{base}withdraw/", {"version": 3}), 200 if sees else 404)
    created = api.post(
        "/api/v1/public-articles/",
        {"region": "640104", "kind": "knowledge", "title": "有限空间作业", "body": "先通风。"},
    )
    assert_status(created, 201 if sees else 403)
    article.refresh_from_db()
    assert article.state == (ArticleState.WITHDRAWN if sees else ArticleState.DRAFT)


def test_it_lists_all_for_the_city_and_its_own_for_a_county(api, world):
    mine = draft(world)
    sibling = draft(world, region=world.sibling_county, actor=world.user(Role.CITY_ADMIN))
    city = draft(world, region=world.city, actor=world.user(Role.CITY_INSPECTOR))
    elsewhere = draft(world, region=world.other_county, actor=world.user(Role.SYSTEM_ADMIN))
    api.as_user(world.user(Role.CITY_INSPECTOR))
    assert_list_in_scope(
        api.get("/api/v1/public-articles/"), {mine.pk, sibling.pk, city.pk}, {elsewhere.pk}
    )
    api.as_user(world.user(Role.COUNTY_INSPECTOR))
    assert_list_in_scope(
        api.get("/api/v1/public-articles/"), {mine.pk}, {sibling.pk, city.pk, elsewhere.pk}
    )


def test_it_answers_api_errors_with_fields_and_changes_nothing(api, world):
    article = draft(world)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/public-articles/{article.pk}/"
    stale = api.patch(url, {"title": "改", "version": 9})
    assert_status(stale, 409)
    blank = api.patch(url, {"title": " ", "version": 1})
    assert_status(blank, 400)
    assert "title" in blank.json()["error"]["fields"]
    kind = api.patch(url, {"kind": "gossip", "version": 1})
    assert_status(kind, 400)
    assert "kind" in kind.json()["error"]["fields"]
    no_region = api.post("/api/v1/public-articles/", {"kind": "law", "title": "法", "body": "文"})
    assert_status(no_region, 400)
    assert "region" in no_region.json()["error"]["fields"]
    assert_status(api.post(f"{url}withdraw/", {"version": 1}), 409)
    article.refresh_from_db()
    assert (article.title, article.version, article.state) == (
        "关于开展安全生产大检查的通知",
        1,
        ArticleState.DRAFT,
    )


# ------------------------------------------------------------------ screens
@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_the_screens(client, world, role):
    article = draft(world)
    sees = role in COUNTY_EDITORS
    client.force_login(world.users[role])
    assert_status(client.get("/public-articles/"), 200 if sees else 403)
    assert_status(client.get("/public-articles/new/"), 200 if sees else 403)
    assert_status(client.get(f"/public-articles/{article.pk}/"), 200 if sees else 404)
    edited = client.post(
        f"/public-articles/{article.pk}/",
        {"kind": "notice", "title": "更正后的通知", "body": "正文", "version": 1},
    )
    assert_status(edited, 302 if sees else 404)
    moved = client.post(f"/public-articles/{article.pk}/publish/", {"version": 2})
    assert_status(moved, 302 if sees else 404)
    article.refresh_from_db()
    assert article.state == (ArticleState.PUBLISHED if sees else ArticleState.DRAFT)


def test_the_screens_create_attach_and_refuse_bad_input(client, world):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    bad = client.post("/public-articles/new/", {"region": world.county.pk, "kind": "notice"})
    assert_status(bad, 400)
    assert "title" in bad.context["form"].errors and Article.objects.count() == 0
    made = client.post(
        "/public-articles/new/",
        {"region": world.county.pk, "kind": "case", "title": "某厂爆炸事故", "body": "经过。"},
    )
    assert_status(made, 302)
    article = Article.objects.get()
    stale = client.post(
        f"/public-articles/{article.pk}/",
        {"kind": "case", "title": "改", "body": "经过。", "version": 5},
    )
    assert_status(stale, 409)
    attached = client.post(
        f"/public-articles/{article.pk}/", {"form": "attachment", "title": "报告", "file": pdf()}
    )
    assert_status(attached, 302)
    attachment = article.attachments.get()
    assert_status(client.get(f"/public-articles/attachments/{attachment.pk}/"), 200)
    client.force_login(world.user(Role.CITY_ADMIN))
    assert_status(client.get(f"/public-articles/attachments/{attachment.pk}/"), 200)
    client.force_login(world.user(Role.PARK_OFFICER))
    assert_status(client.get(f"/public-articles/attachments/{attachment.pk}/"), 404)


# ------------------------------------------------------------------ the public
def test_the_public_sees_only_published_articles_escaped(client, world):
    shown = published(world, body="第一段<script>alert(1)</script>\n\n第二段")
    hidden = draft(world, title="草稿不公开")
    withdrawn = published(world, title="已撤回的通知")
    articles.withdraw(actor=world.user(Role.CITY_ADMIN), article=withdrawn, version=2)
    attachment = articles.add_attachment(
        actor=world.user(Role.COUNTY_ADMIN), article=shown, title="附件", file=pdf()
    )
    draft_file = articles.add_attachment(
        actor=world.user(Role.COUNTY_ADMIN), article=hidden, title="附件", file=pdf()
    )
    home = client.get("/public/")
    assert_status(home, 200)
    html = home.content.decode()
    assert shown.title in html and "草稿不公开" not in html and "已撤回的通知" not in html
    page = client.get(f"/public/articles/{shown.pk}/")
    assert_status(page, 200)
    body = page.content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert "<p>第二段</p>" in body
    assert_status(client.get(f"/public/articles/{hidden.pk}/"), 404)
    assert_status(client.get(f"/public/articles/{withdrawn.pk}/"), 404)
    assert_status(client.get(f"/public/articles/attachments/{attachment.pk}/"), 200)
    assert_status(client.get(f"/public/articles/attachments/{draft_file.pk}/"), 404)


def test_the_public_lists_by_kind_in_pages(client, world):
    for n in range(23):
        published(world, kind=ArticleKind.KNOWLEDGE, title=f"安全知识{n:02d}")
    published(world, kind=ArticleKind.LAW, title="安全生产法")
    first = client.get("/public/articles/?kind=knowledge")
    assert_status(first, 200)
    assert len(first.context["page"].object_list) == 20 and first.context["page"].has_next()
    assert "安全生产法" not in first.content.decode()
    second = client.get("/public/articles/?kind=knowledge&page=2")
    assert len(second.context["page"].object_list) == 3
    assert_status(client.get("/public/articles/?kind=nonsense"), 200)


def test_the_feed_carries_the_published_articles(client, world):
    shown = published(world, kind=ArticleKind.CASE, title="典型案例一")
    draft(world, title="草稿不公开")
    feed = client.get("/public/articles/feed.atom")
    assert_status(feed, 200)
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert "典型案例一" in text and "草稿不公开" not in text
    assert f"/public/articles/{shown.pk}/" in text
    assert "典型案例一" not in client.get("/public/articles/feed.atom?kind=law").content.decode()
    assert_status(client.get("/public/articles/feed.atom?kind=nonsense"), 404)


def test_the_sign_in_page_links_the_public_home(client):
    assert 'href="/public/"' in client.get(reverse("login")).content.decode()


def test_the_list_filters_by_kind_and_status_on_the_screen_and_the_api(client, api, world):
    notice = published(world)
    case = draft(world, kind=ArticleKind.CASE, title="典型案例草稿")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    screen = client.get("/public-articles/?kind=case&state=draft")
    assert_status(screen, 200)
    assert [a.pk for a in screen.context["page"]] == [case.pk]
    assert_status(client.get("/public-articles/?kind=gossip"), 200)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    assert_list_in_scope(
        api.get("/api/v1/public-articles/?state=published"), {notice.pk}, {case.pk}
    )
    assert_status(api.get("/api/v1/public-articles/?kind=gossip"), 400)

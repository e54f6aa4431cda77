"""The public site's articles: the regulators' screens under /public-articles/ (signed in)
and, without sign-in, the public home /public/, the lists by kind, the article pages, their
attachments and the Atom feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core.privacy import mask
from safeloop.core.scoping import as_pk
from safeloop.core.views import attempt, attempt_form, file_response, get_for_user_or_404
from safeloop.public import articles, selectors
from safeloop.public.choices import ArticleKind, ArticleState
from safeloop.public.filters import ArticleFilter
from safeloop.public.forms import ArticleForm, AttachmentForm
from safeloop.public.models import ARTICLE_EDITORS, Article, ArticleAttachment, PublicRules
from safeloop.training.selectors import public_campaigns

PAGE_SIZE = 20
LATEST = 5
FEED_SIZE = 30


def _editor(user) -> None:
    if not user.roles & ARTICLE_EDITORS:
        raise PermissionDenied


# ---------------------------------------------------------------- regulators
@login_required
def article_list(request):
    _editor(request.user)
    filters = ArticleFilter(request.GET or None, queryset=selectors.articles_for(request.user))
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/article_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@login_required
def article_new(request):
    _editor(request.user)
    form = ArticleForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, articles.create_article, actor=request.user)
        if done:
            messages.success(request, _("Saved as a draft."))
            return redirect("public-article-edit", done.value.pk)
        status = done.status
    return render(request, "public/article_form.html", {"form": form}, status=status)


@login_required
def article_edit(request, pk):
    article = get_for_user_or_404(Article, request.user, pk, "change")
    form = ArticleForm(
        request.POST
        if request.method == "POST" and request.POST.get("form") != "attachment"
        else None,
        user=request.user,
        editing=True,
        initial={
            "kind": article.kind,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "accident": article.accident_id,
            "campaign": article.campaign_id,
        },
    )
    attachment = AttachmentForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "attachment":
            attachment = AttachmentForm(request.POST, request.FILES)
            done = attempt_form(
                request, attachment, articles.add_attachment, actor=request.user, article=article
            )
        else:
            done = attempt_form(
                request,
                form,
                articles.update_article,
                actor=request.user,
                article=article,
                version=as_pk(request.POST.get("version")) or 0,
            )
        if done:
            messages.success(request, _("Saved."))
            return redirect("public-article-edit", article.pk)
        status = done.status
    return render(
        request,
        "public/article_edit.html",
        {
            "article": article,
            "form": form,
            "attachment_form": attachment,
            "attachments": article.attachments.all(),
        },
        status=status,
    )


def _move(request, pk, service):
    article = get_for_user_or_404(Article, request.user, pk, "change")
    done = attempt(
        request,
        service,
        actor=request.user,
        article=article,
        version=as_pk(request.POST.get("version")) or 0,
    )
    if done:
        messages.success(request, _("Saved."))
    return redirect("public-article-edit", article.pk)


@login_required
@require_POST
def article_publish(request, pk):
    return _move(request, pk, articles.publish)


@login_required
@require_POST
def article_withdraw(request, pk):
    return _move(request, pk, articles.withdraw)


@login_required
def attachment_file(request, pk):
    attachment = get_object_or_404(
        ArticleAttachment, pk=as_pk(pk) or 0, article__in=Article.objects.for_user(request.user)
    )
    return file_response(attachment.file)


# ---------------------------------------------------------------- the public
def home(request):
    """No sign-in: the latest notices, knowledge and typical cases, the exposure list's head,
    the current campaigns, and the report / track buttons."""
    sections = [
        (kind, label, list(selectors.published_articles(kind)[:LATEST]))
        for kind, label in ArticleKind.choices
    ]
    return render(
        request,
        "public/home.html",
        {
            "sections": sections,
            "exposed": list(selectors.exposed(PublicRules.current())[:LATEST]),
            "campaigns": list(public_campaigns()[:3]),
        },
    )


def articles_by_kind(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ArticleKind.values else ""
    page = Paginator(selectors.published_articles(kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    title = ArticleKind(kind).label if kind else _("All articles")
    return render(
        request,
        "public/articles.html",
        {"page": page, "kind": kind, "kinds": ArticleKind.choices, "title": title},
    )


def article(request, pk):
    shown = get_object_or_404(selectors.published_articles(), pk=as_pk(pk) or 0)
    campaign = None
    if shown.campaign_id:
        campaign = public_campaigns().filter(pk=shown.campaign_id).first()
    return render(
        request,
        "public/article.html",
        {"article": shown, "attachments": shown.attachments.all(), "campaign": campaign},
    )


def public_attachment(request, pk):
    attachment = get_object_or_404(
        ArticleAttachment,
        pk=as_pk(pk) or 0,
        article__state=ArticleState.PUBLISHED,
    )
    return file_response(attachment.file, public=True)


class ArticleFeed(Feed):
    """The latest published articles as Atom, of one kind with ?kind=."""

    feed_type = Atom1Feed
    title = gettext_lazy("Work safety: notices, knowledge and typical cases")
    subtitle = gettext_lazy("Published by the work-safety regulators")

    def get_object(self, request):
        kind = request.GET.get("kind", "")
        if kind and kind not in ArticleKind.values:
            raise Http404
        return kind

    def link(self, obj):
        return reverse("public-home")

    def items(self, obj):
        return selectors.published_articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return mask(item.title)

    def item_description(self, item):
        return mask(item.summary or next(iter(item.paragraphs), ""))

    def item_link(self, item):
        return reverse("public-article", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.get_kind_display()]

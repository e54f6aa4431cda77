"""Writes of the public site's articles: one function per move of ARTICLE_WORKFLOW, the
edit and the attachments. Every write locks the article through the actor's scope (404
outside, 403 not an editor, 409 stale) and is audited (`public.article.*`)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.models import Accident
from safeloop.core.services import bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.orgs.models import Region, RegionLevel
from safeloop.public.models import ARTICLE_EDITORS, Article, ArticleAttachment
from safeloop.public.workflow import ARTICLE_WORKFLOW
from safeloop.training.models import Campaign

ARTICLE_FIELDS = ("kind", "title", "summary", "body", "accident", "campaign")


def actor_kinds(actor) -> set[str]:
    """The article is already locked (or created) in the actor's scope: an editor is a city
    or county regulator."""
    return {"editor"} if actor.roles & ARTICLE_EDITORS else set()


def _checks(actor, article: Article) -> None:
    require(article.title.strip(), _("Give a title."), "title")
    require(article.body.strip(), _("Write the text."), "body")
    if article.accident_id is not None:
        require(
            Accident.objects.for_user(actor, "view").filter(pk=article.accident_id).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "accident",
        )
    if article.campaign_id is not None:
        require(
            Campaign.objects.for_user(actor, "view").filter(pk=article.campaign_id).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "campaign",
        )


@service
def create_article(*, actor, region: Region, **fields) -> Article:
    """A draft in `region` (the city or a county in the actor's scope)."""
    article = Article(
        region_code=region.code, **{k: v for k, v in fields.items() if k in ARTICLE_FIELDS}
    )
    ARTICLE_WORKFLOW.apply(article, "create", actor_kinds(actor))  # 403 for a non-editor
    require(
        region.level in (RegionLevel.CITY, RegionLevel.COUNTY)
        and Region.objects.for_user(actor, "view").filter(pk=region.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "region",
    )
    _checks(actor, article)
    article.full_clean()
    article.save(action="public.article.create")
    track(article)
    return article


@service
def update_article(*, actor, article: Article, version, **fields) -> Article:
    """Corrections are allowed in every state; a published article shows them at once."""
    article = lock(Article, actor, article.pk, version=version)
    for name, value in fields.items():
        if name in ARTICLE_FIELDS:
            setattr(article, name, value)
    _checks(actor, article)
    article.full_clean()
    bump(article)
    article.save(action="public.article.update")
    return article


@service
def publish(*, actor, article: Article, version) -> Article:
    """Shown on the public site and in the feed. The first publication's time is kept when an
    article is withdrawn and published again."""
    article = lock(Article, actor, article.pk, version=version)
    ARTICLE_WORKFLOW.apply(article, "publish", actor_kinds(actor))
    article.published_at = article.published_at or timezone.now()
    bump(article)
    article.save(action="public.article.publish")
    return article


@service
def withdraw(*, actor, article: Article, version) -> Article:
    article = lock(Article, actor, article.pk, version=version)
    ARTICLE_WORKFLOW.apply(article, "withdraw", actor_kinds(actor))
    bump(article)
    article.save(action="public.article.withdraw")
    return article


@service
def add_attachment(*, actor, article: Article, title: str, file) -> ArticleAttachment:
    article = lock(Article, actor, article.pk)
    require((title or "").strip(), _("Give a title."), "title")
    attachment = ArticleAttachment(
        article=article, title=title.strip(), file=clean_pdf(file, field="file")
    )
    attachment.full_clean()
    attachment.save(action="public.article.attachment")
    return attachment

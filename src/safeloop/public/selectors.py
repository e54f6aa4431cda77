"""Reads of the public side: the exposure list by the rules in effect, the published
articles, and the regulators' triage and article lists."""

from datetime import timedelta

from django.utils import timezone

from safeloop.hazards.choices import OPEN_STATES, State
from safeloop.hazards.models import Hazard
from safeloop.public.choices import ArticleState
from safeloop.public.models import Article, PublicReport, PublicRules


def exposed(rules: PublicRules):
    """Open hidden dangers of the exposed levels whose deadline passed more than the rules'
    days ago (a pending report has no confirmed deadline and is never exposed)."""
    cutoff = timezone.localdate() - timedelta(days=rules.exposed_after_days)
    return (
        Hazard.objects.filter(
            state__in=[s for s in OPEN_STATES if s != State.PENDING],
            level__in=rules.exposed_levels,
            deadline__lt=cutoff,
        )
        .select_related("enterprise")
        .order_by("deadline", "pk")
    )


def triage(user, state: str = ""):
    reports = PublicReport.objects.for_user(user, "view").select_related("enterprise", "hazard")
    return reports.filter(state=state) if state else reports


def published_articles(kind: str = ""):
    """Articles shown on the public site, newest first."""
    articles = Article.objects.filter(state=ArticleState.PUBLISHED).order_by("-published_at", "-pk")
    return articles.filter(kind=kind) if kind else articles


def articles_for(user):
    """The articles the regulators' list filters (`filters.ArticleFilter`)."""
    return Article.objects.for_user(user, "view").order_by("-created_at", "-pk")

"""The demo gives the public home content at first start: a dozen published articles of each
kind and one draft, and seeding again adds nothing."""

import pytest

from safeloop.demo.seed import seed
from safeloop.public.choices import ArticleKind, ArticleState
from safeloop.public.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_dozen_articles_of_each_kind_and_one_draft(client, demo):
    seed()
    for kind in ArticleKind.values:
        assert Article.objects.filter(kind=kind, state=ArticleState.PUBLISHED).count() == 12
    assert Article.objects.filter(state=ArticleState.DRAFT).count() == 1
    assert Article.objects.exclude(accident=None).count() == 1
    home = client.get("/public/")
    assert home.status_code == 200
    assert "关于开展2026年安全生产月活动的通知" in home.content.decode()

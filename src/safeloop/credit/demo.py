"""The credit demo: the default rules, every enterprise's records derived from the seeded
hazards, accidents, licences and visits, and a listing at each step of its life."""

import json
from pathlib import Path

from safeloop.credit.models import CreditRule, CreditScheme, ListingPolicy

DEFAULTS = Path(__file__).resolve().parent / "data" / "rules.json"


def ensure_rules() -> None:
    """The rules as migration 0002 loads them, again where a database was emptied since
    (tests that flush it); versions an administrator added are left as they are."""
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    for row in data["rules"]:
        CreditRule.objects.get_or_create(
            kind=row["kind"], effective_from=row["effective_from"], defaults=row
        )
    CreditScheme.objects.get_or_create(
        effective_from=data["scheme"]["effective_from"], defaults=data["scheme"]
    )
    ListingPolicy.objects.get_or_create(
        effective_from=data["policy"]["effective_from"], defaults=data["policy"]
    )


def seed() -> None:
    """Every demo enterprise's records from the seeded hazards, accidents, licences and
    visits; the list triggers; and, when nothing triggered, one proposal and one published
    listing decided through the services (so the list and the public page have content)."""
    from datetime import timedelta

    from django.utils import timezone

    from safeloop.credit import scoring, services
    from safeloop.credit.models import Listing
    from safeloop.enterprises.models import Enterprise
    from safeloop.orgs.models import User

    ensure_rules()
    today = timezone.localdate()
    scoring.run(today)
    services.evaluate(today)
    if Listing.objects.filter(state="published").exists():
        return
    firms = list(Enterprise.objects.filter(deleted_at__isnull=True).order_by("id")[:2])
    admin = User.objects.filter(username="city_admin").first()
    if len(firms) < 2 or admin is None:
        return
    if not Listing.objects.exists():
        services.propose(
            actor=None,
            enterprise=firms[0],
            trigger="penalty_multiple",
            source="demo",
            source_id=1,
            facts=f"{today - timedelta(days=20)} 因未按规定排查治理事故隐患，"
            "被处上一年年收入三倍罚款",
        )
    listing = services.propose(
        actor=None,
        enterprise=firms[1],
        trigger="unlicensed",
        source="demo",
        source_id=2,
        facts=f"{today - timedelta(days=60)} 检查发现安全生产许可证被暂扣期间仍组织生产",
    )
    listing = services.notify(actor=admin, listing=listing)
    # The objection period of the demo notice has passed (served 30 days ago).
    Listing.objects.filter(pk=listing.pk).update(
        notified_on=today - timedelta(days=30), objection_until=today - timedelta(days=25)
    )
    listing.refresh_from_db()
    listing = services.decide_list(
        actor=admin, listing=listing, decision_number=f"银应急信〔{today.year}〕1号"
    )
    services.publish(actor=admin, listing=listing)

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

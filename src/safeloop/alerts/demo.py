"""Demo: evaluate the warning rules once, so the warnings screen and inboxes show the demo
ledger's expiring licences and certificates right after seeding, and store the key units
list (idempotent)."""

import json
from pathlib import Path

from safeloop.alerts import keyunits
from safeloop.alerts.evaluation import evaluate_all
from safeloop.alerts.models import WarningRule

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "rules.json"


def ensure_rules() -> None:
    """The default rules as migration 0002 loads them, again where a database was emptied
    since (tests that flush it); rules an administrator edited are left as they are."""
    for row in json.loads(DEFAULT_RULES.read_text(encoding="utf-8")):
        WarningRule.objects.get_or_create(code=row["code"], defaults=row)


def seed() -> None:
    ensure_rules()
    evaluate_all()
    keyunits.refresh()

"""Demo: evaluate the warning rules once, so the warnings screen and inboxes show the demo
ledger's expiring licences and certificates right after seeding (idempotent)."""

from safeloop.alerts.evaluation import evaluate_all


def seed() -> None:
    evaluate_all()

"""The menu: each entry names the roles that may use it, so every role sees only its own."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeloop.bulletins.models import BULLETIN_READERS
from safeloop.orgs.roles import (
    ACCOUNT_MANAGERS,
    ADMINS,
    ALL_ROLES,
    ENTERPRISE_STAFF,
    REGULATORS,
    Role,
)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset


# Ordered by daily work: what needs attention, the loop, then records and administration.
MENU = [
    MenuItem(_("Home"), "home", ALL_ROLES),
    MenuItem(_("Dashboard"), "dashboard", ALL_ROLES),
    MenuItem(_("Early warnings"), "warning-list", ALL_ROLES),
    MenuItem(_("Key units"), "key-unit-list", ALL_ROLES),
    MenuItem(_("Hidden dangers"), "hazard-list", ALL_ROLES),
    MenuItem(_("Public reports"), "public-triage", REGULATORS),
    MenuItem(_("Inspections"), "inspection-plans", REGULATORS | ENTERPRISE_STAFF),
    MenuItem(_("My self-checks"), "selfcheck-mine", ENTERPRISE_STAFF),
    MenuItem(_("Self-check supervision"), "selfcheck-completion", REGULATORS),
    MenuItem(_("Risks"), "risk-overview", ALL_ROLES),
    MenuItem(_("Enterprise ledger"), "enterprise-list", ALL_ROLES),
    MenuItem(_("Accidents"), "accident-list", ALL_ROLES),
    MenuItem(_("Emergency management"), "emergency-home", ALL_ROLES),
    MenuItem(_("Monthly bulletins"), "bulletin-list", BULLETIN_READERS),
    MenuItem(_("Organisation"), "org-tree", ALL_ROLES - {Role.EXPERT}),
    MenuItem(_("Audit log"), "audit-log", ADMINS),
    MenuItem(_("Accounts"), "account-list", ACCOUNT_MANAGERS),
    MenuItem(_("API"), "api-docs", ALL_ROLES),
    MenuItem(_("API tokens"), "my-tokens", ALL_ROLES),
]


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    return [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        for item in MENU
        if roles & item.roles
    ]


def navigation(request):
    """Template context processor."""
    return {"menu": menu_for(request.user)}

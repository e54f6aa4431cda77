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
from safeloop.parkrisk.models import VIEWERS as PARK_RISK_VIEWERS
from safeloop.public.models import ARTICLE_EDITORS


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset
    # Roles for whom this is daily work: on a phone it sits in the bottom bar (3–5 per role).
    daily: frozenset = frozenset()


EXPERTS = frozenset({Role.EXPERT})


# Grid inspectors supervise enterprises, not their area's targets.
TARGET_READERS = REGULATORS - {Role.GRID_INSPECTOR}

# Ordered by daily work: what needs attention, the loop, then records and administration.
MENU = [
    MenuItem(_("Home"), "home", ALL_ROLES, ALL_ROLES),
    MenuItem(_("Dashboard"), "dashboard", ALL_ROLES, REGULATORS),
    MenuItem(_("Early warnings"), "warning-list", ALL_ROLES, REGULATORS),
    # Key units and the organisation tree are the regulators' view of their area.
    MenuItem(_("Key units"), "key-unit-list", REGULATORS),
    MenuItem(_("Hidden dangers"), "hazard-list", ALL_ROLES, ALL_ROLES),
    MenuItem(_("Public reports"), "public-triage", REGULATORS),
    MenuItem(_("Inspections"), "inspection-plans", REGULATORS | ENTERPRISE_STAFF, REGULATORS),
    MenuItem(_("My self-checks"), "selfcheck-mine", ENTERPRISE_STAFF, ENTERPRISE_STAFF),
    MenuItem(_("Self-check supervision"), "selfcheck-completion", REGULATORS),
    MenuItem(_("Risks"), "risk-overview", ALL_ROLES, ENTERPRISE_STAFF),
    MenuItem(_("Enterprise ledger"), "enterprise-list", ALL_ROLES, EXPERTS),
    MenuItem(_("Accidents"), "accident-list", ALL_ROLES),
    MenuItem(_("Targets and assessment"), "targets-indicators", TARGET_READERS),
    MenuItem(_("Emergency management"), "emergency-home", ALL_ROLES),
    MenuItem(_("Training and publicity"), "training-list", ALL_ROLES),
    MenuItem(_("Public site articles"), "public-article-list", ARTICLE_EDITORS),
    MenuItem(_("Safety investment"), "investment-home", ALL_ROLES),
    MenuItem(_("Source control"), "source-home", ALL_ROLES),
    MenuItem(_("Park risk assessment"), "parkrisk-list", PARK_RISK_VIEWERS),
    MenuItem(_("Responsibility lists"), "duties-home", ALL_ROLES),
    MenuItem(_("Crackdown on illegal production"), "crackdown-list", REGULATORS),
    MenuItem(
        _("Enforcement and accountability"), "enforcement-documents", REGULATORS | ENTERPRISE_STAFF
    ),
    MenuItem(_("Predictive targeting"), "prediction-report", REGULATORS),
    MenuItem(_("Credit"), "credit-list", REGULATORS | ENTERPRISE_STAFF),
    MenuItem(_("Monthly bulletins"), "bulletin-list", BULLETIN_READERS),
    MenuItem(_("Organisation"), "org-tree", REGULATORS),
    MenuItem(_("Audit log"), "audit-log", ADMINS),
    MenuItem(_("Accounts"), "account-list", ACCOUNT_MANAGERS),
    # Interfaces are connected by the regulators' technical staff, not used in daily work.
    MenuItem(_("API"), "api-docs", REGULATORS),
    MenuItem(_("API tokens"), "my-tokens", REGULATORS),
]


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "name": item.url_name,
            "daily": bool(roles & item.daily),
        }
        for item in MENU
        if roles & item.roles
    ]


def navigation(request):
    """Template context processor: the whole menu, and the daily part a phone shows in its
    bottom bar."""
    menu = menu_for(request.user)
    return {"menu": menu, "dock": [item for item in menu if item["daily"]][:5]}

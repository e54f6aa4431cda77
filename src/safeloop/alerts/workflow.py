"""A warning's life as a transition table (see core.workflow). docs/alerts.md renders it.

Actor kinds, decided per warning and user in `actor_kinds`:
- enterprise: principal or safety manager of the warning's enterprise;
- regulator: a regulator whose scope covers the warning.
The job raises warnings (the system); people acknowledge and close them.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.alerts.choices import WarningState
from safeloop.core.workflow import Transition, Workflow
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

OPEN, ACKNOWLEDGED, CLOSED = WarningState.OPEN, WarningState.ACKNOWLEDGED, WarningState.CLOSED
ENTERPRISE, REGULATOR = "enterprise", "regulator"

WARNING_WORKFLOW = Workflow(
    "warning",
    [
        Transition(
            "acknowledge",
            frozenset([OPEN]),
            ACKNOWLEDGED,
            frozenset([ENTERPRISE, REGULATOR]),
            _("Acknowledge"),
        ),
        Transition(
            "close", frozenset([OPEN, ACKNOWLEDGED]), CLOSED, frozenset([REGULATOR]), _("Close")
        ),
    ],
)


def actor_kinds(user, warning) -> set[str]:
    from safeloop.alerts.models import EarlyWarning

    kinds: set[str] = set()
    if user is None or not user.is_authenticated:
        return kinds
    grants = user.grants()
    if warning.enterprise_id and any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == warning.enterprise_id for g in grants
    ):
        kinds.add(ENTERPRISE)
    if user.roles & REGULATORS and (
        EarlyWarning.objects.for_user(user, "view", roles=REGULATORS).filter(pk=warning.pk).exists()
    ):
        kinds.add(REGULATOR)
    return kinds

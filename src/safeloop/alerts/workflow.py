"""A warning's life as a transition table (see core.workflow). docs/alerts.md renders it.

Actor kinds, decided per warning and user in `actor_kinds`:
- enterprise: principal or safety manager of the warning's enterprise;
- regulator: a regulator whose scope covers the warning.
- system: the evaluation job, which raises warnings (alerts/evaluation.py inserts them in
  the state this table gives the `raise` move).
People acknowledge and close them.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.alerts.choices import WarningState
from safeloop.core.workflow import CREATED, SYSTEM, Workflow, t
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

OPEN, ACKNOWLEDGED, CLOSED = WarningState.OPEN, WarningState.ACKNOWLEDGED, WarningState.CLOSED
ENTERPRISE, REGULATOR = "enterprise", "regulator"

WARNING_WORKFLOW = Workflow(
    "warning",
    [
        t("raise", [CREATED], OPEN, [SYSTEM], _("Raise")),
        t("acknowledge", [OPEN], ACKNOWLEDGED, [ENTERPRISE, REGULATOR], _("Acknowledge")),
        t("close", [OPEN, ACKNOWLEDGED], CLOSED, [REGULATOR], _("Close")),
    ],
    model="alerts.EarlyWarning",
    kinds={
        SYSTEM: "the evaluation job",
        ENTERPRISE: "principal or safety manager of the warning's enterprise",
        REGULATOR: "a regulator whose scope covers the warning",
    },
)

# The state a raised warning starts in: the job's INSERT reads it from the table.
RAISED_STATE = WARNING_WORKFLOW.landing(CREATED, "raise")


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

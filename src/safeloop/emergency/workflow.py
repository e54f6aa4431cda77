"""Incident command and the tasks it dispatches, as transition tables (see core.workflow).
docs/emergency.md renders them; the tests walk every (state, move, actor kind).

Actor kind, decided per record and user in `actor_kinds`:
- command: a regulator whose scope covers the incident (the county where it happened, the
  city above it, the system administrator).
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.emergency.choices import IncidentState, TaskState
from safeloop.orgs.roles import REGULATORS

COMMAND = "command"
KINDS = {COMMAND: "a regulator whose scope covers the incident"}

INCIDENT_WORKFLOW = Workflow(
    "incident",
    [
        t("open", [CREATED], IncidentState.OPEN, [COMMAND], _("Open")),
        t("log", [IncidentState.OPEN], None, [COMMAND], _("Add to the timeline")),
        t("escalate", [IncidentState.OPEN], None, [COMMAND], _("Escalate to the city")),
        t("dispatch", [IncidentState.OPEN], None, [COMMAND], _("Dispatch")),
        t("close", [IncidentState.OPEN], IncidentState.CLOSED, [COMMAND], _("Close")),
    ],
    model="emergency.Incident",
    kinds=KINDS,
)

D, E, S, R = TaskState.DISPATCHED, TaskState.EN_ROUTE, TaskState.ON_SCENE, TaskState.RELEASED

TASK_WORKFLOW = Workflow(
    "emergency_task",
    [
        t("dispatch", [CREATED], D, [COMMAND], _("Dispatch")),
        t("set_off", [D], E, [COMMAND], _("En route")),
        t("arrive", [E], S, [COMMAND], _("On scene")),
        t("release", [D, E, S], R, [COMMAND], _("Release")),
    ],
    model="emergency.Task",
    kinds=KINDS,
)


def actor_kinds(user, incident) -> set[str]:
    """The kinds `user` is for `incident` (saved or not: read through its region code)."""
    from safeloop.core.scoping import reaches

    if user is None or not user.is_authenticated or not user.roles & REGULATORS:
        return set()
    return {COMMAND} if reaches(user.grants(), REGULATORS, incident) else set()

"""Incident command and the tasks it dispatches, as transition tables (see core.workflow).
docs/emergency.md renders them; the tests walk every (state, move, actor kind).

Actor kind, decided per record and user in `actor_kinds`:
- command: a regulator whose scope covers the incident (the county where it happened, the
  city above it, the system administrator).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.emergency.choices import DrillState, IncidentState, PlanState, TaskState
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

COMMAND = "command"
KINDS = {COMMAND: "a regulator whose scope covers the incident"}

INCIDENT_WORKFLOW = Workflow(
    "incident",
    [
        t("open", [CREATED], IncidentState.OPEN, [COMMAND], pgettext_lazy("incident move", "Open")),
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


# Plans and drills: the enterprise's staff file and drill; a regulator over the enterprise
# reviews and may evaluate or cancel a drill.
ENTERPRISE = "enterprise"
REGULATOR = "regulator"
PLAN_KINDS = {
    ENTERPRISE: "staff of the plan's enterprise",
    REGULATOR: "a regulator whose scope covers the enterprise",
}

PLAN_WORKFLOW = Workflow(
    "emergency_plan",
    [
        t("submit", [CREATED], PlanState.SUBMITTED, [ENTERPRISE], _("Submit for filing")),
        t("file", [PlanState.SUBMITTED], PlanState.FILED, [REGULATOR], _("File")),
        t("return", [PlanState.SUBMITTED], PlanState.RETURNED, [REGULATOR], _("Return")),
        t("resubmit", [PlanState.RETURNED], PlanState.SUBMITTED, [ENTERPRISE], _("Resubmit")),
        t("revise", [PlanState.FILED], PlanState.SUBMITTED, [ENTERPRISE], _("Submit a revision")),
    ],
    model="emergency.Plan",
    kinds=PLAN_KINDS,
)

DRILL_WORKFLOW = Workflow(
    "drill",
    [
        t("plan", [CREATED], DrillState.PLANNED, [ENTERPRISE], _("Plan")),
        t("hold", [DrillState.PLANNED], DrillState.HELD, [ENTERPRISE], _("Record as held")),
        t(
            "evaluate",
            [DrillState.HELD],
            DrillState.EVALUATED,
            [ENTERPRISE, REGULATOR],
            _("Evaluate"),
        ),
        t(
            "cancel",
            [DrillState.PLANNED],
            DrillState.CANCELLED,
            [ENTERPRISE, REGULATOR],
            _("Cancel"),
        ),
    ],
    model="emergency.Drill",
    kinds=PLAN_KINDS,
)


def enterprise_kinds(user, enterprise) -> set[str]:
    """The kinds `user` is for a plan or drill of `enterprise`."""
    from safeloop.enterprises.services import is_regulator_for

    if user is None or not user.is_authenticated:
        return set()
    kinds = set()
    if any(g.role in ENTERPRISE_STAFF and g.enterprise_id == enterprise.pk for g in user.grants()):
        kinds.add(ENTERPRISE)
    if is_regulator_for(user, enterprise):
        kinds.add(REGULATOR)
    return kinds

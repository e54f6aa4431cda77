"""The inspection lifecycles as transition tables: a plan and a visit. docs/inspections.md
renders both; tests walk every (state, move, actor kind) through the services.

Actor kinds (decided per object and user in `actors.py`):
- planner: a user with a planning role (system, city or county administrator or inspector)
  whose scope covers the plan or visit;
- enterprise: the principal or a safety manager of the enterprise of a self-inspection plan
  (and of its visits);
- inspector: the visit's assigned inspector.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.inspections.choices import PlanState, VisitState

PLANNER, ENTERPRISE, INSPECTOR = "planner", "enterprise", "inspector"
DRAFT, PUBLISHED, CLOSED = PlanState.DRAFT.value, PlanState.PUBLISHED.value, PlanState.CLOSED.value
ASSIGNED, SUBMITTED, CANCELLED = (
    VisitState.ASSIGNED.value,
    VisitState.SUBMITTED.value,
    VisitState.CANCELLED.value,
)

PLAN_WORKFLOW = Workflow(
    "plan",
    [
        t("create", [CREATED], DRAFT, [PLANNER, ENTERPRISE], _("Create")),
        t("target", [DRAFT], None, [PLANNER], _("Choose the targets")),
        t("assign", [DRAFT, PUBLISHED], PUBLISHED, [PLANNER, ENTERPRISE], _("Assign the visits")),
        t("add_visit", [DRAFT, PUBLISHED], None, [PLANNER], _("Add a visit")),
        # only once no visit is still assigned (services.close_plan)
        t("close", [DRAFT, PUBLISHED], CLOSED, [PLANNER, ENTERPRISE], _("Close the plan")),
    ],
    model="inspections.Plan",
    kinds={
        PLANNER: "a planning role (system, city, county administrator or inspector) in scope",
        ENTERPRISE: "the principal or a safety manager of a self-inspection plan's enterprise",
    },
)

VISIT_WORKFLOW = Workflow(
    "visit",
    [
        t("create", [CREATED], ASSIGNED, [PLANNER, ENTERPRISE], _("Assign")),
        t("submit", [ASSIGNED], SUBMITTED, [INSPECTOR], _("Submit the results")),
        t("cancel", [ASSIGNED], CANCELLED, [PLANNER, ENTERPRISE], _("Cancel")),
    ],
    model="inspections.Visit",
    kinds={
        PLANNER: "a planning role in scope of the visit's enterprise",
        ENTERPRISE: "staff of the enterprise, for a visit of its self-inspection plan",
        INSPECTOR: "the visit's assigned inspector",
    },
)

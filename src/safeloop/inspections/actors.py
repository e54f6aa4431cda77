"""Which actor kinds of the inspection tables (`workflow.py`) a user is, for one plan or
visit. Scope is part of the answer: a planner is a planner *of this record*."""

from safeloop.core.workflow import SYSTEM
from safeloop.enterprises.models import Enterprise
from safeloop.inspections.choices import PlanKind
from safeloop.inspections.models import Plan, Visit
from safeloop.inspections.models.plans import PLANNERS
from safeloop.inspections.workflow import ENTERPRISE, INSPECTOR, PLANNER
from safeloop.orgs.roles import ENTERPRISE_STAFF


def _staff_of(user, enterprise_id: int | None) -> bool:
    if enterprise_id is None or not user.roles & ENTERPRISE_STAFF:
        return False
    staff = Enterprise.objects.for_user(user, roles=ENTERPRISE_STAFF)
    return staff.filter(pk=enterprise_id).exists()


def plan_kinds(user, plan: Plan) -> set[str]:
    """PLANNER: a planning role whose scope covers the plan (an unsaved plan: the role; the
    service re-checks the saved row's scope). ENTERPRISE: staff of a self-inspection plan's
    enterprise. The system (no user) is neither."""
    if user is None:
        return {SYSTEM}
    kinds = set()
    in_scope = Plan.objects.for_user(user, "change", roles=PLANNERS).filter(pk=plan.pk)
    if user.roles & PLANNERS and (plan._state.adding or in_scope.exists()):
        kinds.add(PLANNER)
    if plan.kind == PlanKind.SELF and _staff_of(user, plan.enterprise_id):
        kinds.add(ENTERPRISE)
    return kinds


def visit_kinds(user, visit: Visit) -> set[str]:
    """PLANNER: a planning role whose scope covers the visit. ENTERPRISE: staff of the
    enterprise, for a visit of its own self-inspection plan. INSPECTOR: the assigned
    inspector, while the visit lies in their scope."""
    if user is None:
        return {SYSTEM}
    kinds = set()
    if user.roles & PLANNERS and (
        Visit.objects.for_user(user, "change").filter(pk=visit.pk).exists()
    ):
        kinds.add(PLANNER)
    if visit.plan.kind == PlanKind.SELF and _staff_of(user, visit.enterprise_id):
        kinds.add(ENTERPRISE)
    if visit.inspector_id == user.pk and (
        Visit.objects.for_user(user, "do").filter(pk=visit.pk).exists()
    ):
        kinds.add(INSPECTOR)
    return kinds

"""Both inspection tables walked through the real services: for every (state, move, actor
kind), the service allows or refuses as the table says, and an allowed move lands where the
table says. The table's other combinations (a creation move from a state, any move from
CREATED) have no service call to express them; tests/core/test_workflows.py walks those."""

from datetime import date

import pytest

from safeloop.core.errors import IllegalMove, NotPermitted
from safeloop.core.workflow import CREATED
from safeloop.inspections import services
from safeloop.inspections.choices import PlanKind, VisitState
from safeloop.inspections.models import Plan, Visit
from safeloop.inspections.workflow import (
    ENTERPRISE,
    INSPECTOR,
    PLAN_WORKFLOW,
    PLANNER,
    VISIT_WORKFLOW,
)
from safeloop.orgs.roles import Role
from tests.inspections.test_visits import answers, submit

START, END = date(2026, 10, 1), date(2026, 12, 31)


def _cases(workflow, skip_kinds_creating=()):
    """Every (state, move, kind) a service can express: the creation move from CREATED (a
    new record each time, so never from a state), every other move from every state."""
    return [
        (state, move, kind)
        for state in [CREATED, *workflow.states]
        for move in workflow.moves
        for kind in workflow.actor_kinds
        if (state == CREATED) == (move == "create")
        and not (move == "create" and kind in skip_kinds_creating)
    ]


def _expect(workflow, state, move, kind):
    """None when the table allows the move, else the error the service must raise."""
    transition = workflow._by_key.get((state, move))
    if transition is None:
        return IllegalMove
    return None if kind in transition.actors else NotPermitted


# ---------------------------------------------------------------- plans
def _plan_actor(world, kind):
    """A planner acts on a county plan; the enterprise on its own self-inspection plan."""
    return world.user(Role.COUNTY_ADMIN if kind == PLANNER else Role.ENTERPRISE_PRINCIPAL)


def _create_plan(world, kind):
    if kind == PLANNER:
        return services.create_plan(
            actor=_plan_actor(world, kind),
            title="综合督查",
            kind=PlanKind.COMPREHENSIVE,
            region=world.county,
            period_start=START,
            period_end=END,
        )
    return services.create_plan(
        actor=_plan_actor(world, kind),
        title="本企业自查",
        kind=PlanKind.SELF,
        enterprise=world.inside,
        period_start=START,
        period_end=END,
    )


def _plan_in(world, state, kind) -> Plan:
    plan = _create_plan(world, kind)
    actor = _plan_actor(world, kind)
    if state == "draft":
        return plan
    services.assign(plan=plan, actor=actor)
    # no visit left open, so that closing is a question of the table only
    for visit in plan.visits.all():
        services.cancel_visit(visit=visit, actor=actor, reason="演练")
    if state == "closed":
        services.close_plan(plan=plan, actor=actor)
    plan.refresh_from_db()
    assert plan.state == state
    return plan


def _plan_move(world, plan, move, actor):
    if move == "target":
        services.generate_targets(plan=plan, actor=actor)
    elif move == "assign":
        services.assign(plan=plan, actor=actor)
    elif move == "add_visit":
        services.add_visit(
            plan=plan,
            actor=actor,
            enterprise=world.inside,
            inspector=world.user(Role.GRID_INSPECTOR),
            scheduled_on=date(2026, 11, 2),
        )
    elif move == "close":
        services.close_plan(plan=plan, actor=actor)
    else:
        raise AssertionError(move)


@pytest.mark.parametrize(("state", "move", "kind"), _cases(PLAN_WORKFLOW))
def test_it_walks_the_plan_table_through_the_services(world, state, move, kind):
    expected = _expect(PLAN_WORKFLOW, state, move, kind)
    actor = _plan_actor(world, kind)
    if move == "create":
        plan = _create_plan(world, kind)
        assert plan.state == PLAN_WORKFLOW.landing(CREATED, "create")
        return
    plan = _plan_in(world, state, kind)
    if expected is not None:
        with pytest.raises(expected):
            _plan_move(world, plan, move, actor)
        plan.refresh_from_db()
        assert plan.state == state
        return
    _plan_move(world, plan, move, actor)
    plan.refresh_from_db()
    assert plan.state == PLAN_WORKFLOW.landing(state, move)


def test_a_plan_with_an_assigned_visit_does_not_close(world, visit):
    planner = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(IllegalMove):
        services.close_plan(plan=visit.plan, actor=planner)
    submit(visit, world.user(Role.GRID_INSPECTOR), answers(visit))
    closed = services.close_plan(plan=visit.plan, actor=planner, version=visit.plan.version)
    assert closed.state == "closed" and closed.version == visit.plan.version + 1


# ---------------------------------------------------------------- visits
VISIT_ACTORS = {
    PLANNER: Role.COUNTY_ADMIN,
    INSPECTOR: Role.GRID_INSPECTOR,
    ENTERPRISE: Role.SAFETY_MANAGER,  # staff, not the self-inspection's inspector
}


def _visit_of(world, kind) -> Visit:
    """An assigned visit the kind's actor is that kind of: a county plan's visit by the grid
    inspector for planner and inspector, the self-inspection's visit for the enterprise."""
    if kind == ENTERPRISE:
        principal = world.user(Role.ENTERPRISE_PRINCIPAL)
        plan = _create_plan(world, ENTERPRISE)
        services.assign(plan=plan, actor=principal)
        return plan.visits.get()
    plan = _create_plan(world, PLANNER)
    return services.add_visit(
        plan=plan,
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        inspector=world.user(Role.GRID_INSPECTOR),
        scheduled_on=date(2026, 11, 2),
    )


def _visit_in(world, state, kind) -> Visit:
    visit = _visit_of(world, kind)
    if state == VisitState.SUBMITTED:
        submit(visit, visit.inspector, answers(visit))
    elif state == VisitState.CANCELLED:
        canceller = world.user(Role.COUNTY_ADMIN)
        services.cancel_visit(visit=visit, actor=canceller, reason="企业停产")
    visit.refresh_from_db()
    assert visit.state == state
    return visit


# visits are created by a plan's moves (assign, add_visit): the inspector kind makes none
@pytest.mark.parametrize(("state", "move", "kind"), _cases(VISIT_WORKFLOW, {INSPECTOR}))
def test_it_walks_the_visit_table_through_the_services(world, state, move, kind):
    expected = _expect(VISIT_WORKFLOW, state, move, kind)
    actor = world.user(VISIT_ACTORS[kind])
    if move == "create":
        visit = _visit_of(world, kind)
        assert visit.state == VISIT_WORKFLOW.landing(CREATED, "create")
        return
    visit = _visit_in(world, state, kind)
    if move == "submit":
        call = lambda: submit(visit, actor, answers(visit))  # noqa: E731
    else:
        call = lambda: services.cancel_visit(visit=visit, actor=actor, reason="改期")  # noqa: E731
    if state == VisitState.SUBMITTED and move == "submit" and kind == INSPECTOR:
        # the same submission again (an offline queue's retry) is no move: nothing changes
        _visit, created = call()
        assert not created
    elif expected is not None:
        with pytest.raises(expected):
            call()
    else:
        call()
        visit.refresh_from_db()
        assert visit.state == VISIT_WORKFLOW.landing(state, move)
        return
    visit.refresh_from_db()
    assert visit.state == state


def test_nobody_but_the_table_creates_a_visit(world, plan):
    """The inspector kind creates no visit: a grid inspector does not even see plans."""
    from safeloop.core.errors import NotFound

    with pytest.raises(NotFound):
        services.add_visit(
            plan=plan,
            actor=world.user(Role.GRID_INSPECTOR),
            enterprise=world.inside,
            inspector=world.user(Role.GRID_INSPECTOR),
            scheduled_on=date(2026, 11, 2),
        )

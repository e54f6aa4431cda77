"""The self-check task's table walked through the real service and jobs: for every (state,
move, actor kind), the move is allowed or refused as `selfchecks.workflow` says, and an
allowed move lands where the table says."""

from datetime import date

import pytest

from safeloop.core.errors import IllegalMove, NotPermitted
from safeloop.core.workflow import CREATED, SYSTEM
from safeloop.orgs.roles import Role
from safeloop.selfchecks import generation, services
from safeloop.selfchecks.choices import RunKind
from safeloop.selfchecks.models import SelfCheckRecord, SelfCheckTask
from safeloop.selfchecks.workflow import SELFCHECK_TASK, STAFF

DAY = date(2026, 1, 30)  # the task's due day (make_task)
CASES = [
    (state, move, kind)
    for state in [CREATED, *SELFCHECK_TASK.states]
    for move in SELFCHECK_TASK.moves
    for kind in SELFCHECK_TASK.actor_kinds
]


def expected(state, move, kind):
    """IllegalMove, NotPermitted, or the landing state, as the table says."""
    transition = SELFCHECK_TASK._by_key.get((state, move))
    if transition is None:
        return IllegalMove
    if kind not in transition.actors:
        return NotPermitted
    return transition.target or state


def test_the_walk_covers_the_table():
    assert SELFCHECK_TASK.actor_kinds == sorted([STAFF, SYSTEM])
    assert {m for _s, m, _k in CASES} == {"generate", "record", "miss"}


@pytest.mark.parametrize(("state", "move", "kind"), CASES)
def test_every_move_of_every_state_for_every_kind(
    world, make_measure, make_task, state, move, kind
):
    outcome = expected(state, move, kind)
    actor = world.user(Role.SAFETY_MANAGER) if kind == STAFF else None
    if state == CREATED:
        if move != "generate" or kind != SYSTEM:
            # nothing exists to move, and no one but the job creates tasks
            with pytest.raises(outcome):
                SELFCHECK_TASK.check(CREATED, move, {kind})
            return
        measure = make_measure()
        generation.run_now(RunKind.GENERATE, DAY)
        assert SelfCheckTask.objects.get(measure=measure).state == outcome
        return

    task = make_task(day=DAY)
    SelfCheckTask.objects.filter(pk=task.pk).update(state=state)
    if move == "record":
        if isinstance(outcome, str):
            services.record_task(task=task, actor=actor, result="normal")
        else:
            with pytest.raises(outcome):
                services.record_task(task=task, actor=actor, result="normal")
            assert not SelfCheckRecord.objects.exists()
    elif kind == SYSTEM:  # the nightly jobs: a move the table refuses leaves the task as is
        if move == "generate":  # the same day again: the task exists already
            generation.run_now(RunKind.GENERATE, DAY)
        else:  # the day after the due day
            generation.run_now(RunKind.MISS, date(2026, 1, 31))
        assert SelfCheckTask.objects.count() == 1
    else:  # the jobs run as the system only; the table refuses staff
        with pytest.raises(outcome):
            SELFCHECK_TASK.check(state, move, {kind})
    task.refresh_from_db()
    assert task.state == (outcome if isinstance(outcome, str) else state)


def test_the_jobs_take_their_states_from_the_table():
    assert generation._system_move("generate") == ([CREATED], "pending")
    assert generation._system_move("miss") == (["pending"], "missed")

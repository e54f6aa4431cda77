"""The supervision selectors dashboards and early-warning rules reuse."""

from datetime import date

import pytest
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.selfchecks import generation, selectors, services
from safeloop.selfchecks.choices import RunKind
from safeloop.selfchecks.models import SelfCheckRecord, SelfCheckTask

D = date.fromisoformat


@pytest.fixture
def history(world, make_measure, generate):
    """`inside`: two daily measures over 26–30 Jan 2026 (10 tasks), 6 done, 4 missed;
    `sibling`: one daily measure, nothing done; `outside`: none."""
    a, b = make_measure("daily", point_name="a"), make_measure("daily", point_name="b")
    make_measure("daily", enterprise=world.sibling)
    for day in ("2026-01-26", "2026-01-27", "2026-01-28", "2026-01-29", "2026-01-30"):
        generate(D(day))
    manager = world.user(Role.SAFETY_MANAGER)
    done = SelfCheckTask.objects.filter(measure__in=[a, b]).order_by("due_date", "id")[:6]
    for task in done:
        services.record_task(task=task, actor=manager, result="normal")
    generation.run_now(RunKind.MISS, D("2026-01-31"))
    return a, b


def test_completion_by_enterprise_counts_done_and_missed(world, history):
    enterprises = Enterprise.objects.all()
    result = selectors.completion_by_enterprise(enterprises, D("2026-01-26"), D("2026-01-30"))
    inside = result[world.inside.pk]
    assert (inside.total, inside.done, inside.missed, inside.pending) == (10, 6, 4, 0)
    assert inside.rate == 60.0
    assert result[world.sibling.pk].rate == 0.0
    assert world.outside.pk not in result


def test_the_window_selects_by_due_day(world, history):
    one_day = selectors.completion_by_enterprise(
        Enterprise.objects.all(), D("2026-01-30"), D("2026-01-30")
    )
    assert one_day[world.inside.pk].total == 2


def test_only_the_given_enterprises_are_counted(world, history):
    result = selectors.completion_by_enterprise(
        Enterprise.objects.filter(pk=world.sibling.pk), D("2026-01-01"), D("2026-01-31")
    )
    assert set(result) == {world.sibling.pk}


def test_pending_tasks_count_neither_way():
    assert selectors.Completion(3, 0, 0, 3).rate is None
    assert selectors.Completion(4, 1, 1, 2).rate == 50.0


def test_last_record_date_by_enterprise(world, history):
    last = selectors.last_record_date_by_enterprise(Enterprise.objects.all())
    assert set(last) == {world.inside.pk}
    latest = SelfCheckRecord.objects.latest("recorded_at").recorded_at
    assert last[world.inside.pk] == timezone.localtime(latest).date()

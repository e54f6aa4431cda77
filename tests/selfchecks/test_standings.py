"""The completion table's standings: kept exact by the task table's triggers through every
way tasks are written, rolled by the nightly refresh, read only for exactly their window."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role
from safeloop.selfchecks import generation, selectors, services, standings, tasks
from safeloop.selfchecks.choices import RunKind, TaskState
from safeloop.selfchecks.models import CompletionStanding, CompletionWindow, SelfCheckTask

D = date.fromisoformat
DAY = D("2026-01-30")  # a Friday: this week is 26–30 January


def kept() -> dict:
    """The standings as they are: {(window, enterprise): (total, done, missed, pending)},
    rows of nothing but zeros left out."""
    return {
        (s.window_id, s.enterprise_id): (s.total, s.done, s.missed, s.pending)
        for s in CompletionStanding.objects.all()
        if (s.total, s.done, s.missed, s.pending) != (0, 0, 0, 0)
    }


def counted() -> dict:
    """The same figures counted live from the tasks, window by window."""
    figures = {}
    for window in CompletionWindow.objects.all():
        live = selectors.completion_by_enterprise(
            Enterprise.objects.all(), window.start, window.end
        )
        for pk, c in live.items():
            figures[(window.key, pk)] = (c.total, c.done, c.missed, c.pending)
    return figures


@pytest.fixture
def refreshed(world):
    standings.refresh(DAY)
    return DAY


def test_a_refresh_rolls_every_window_to_the_day(world, refreshed):
    windows = {w.key: (w.start, w.end) for w in CompletionWindow.objects.all()}
    assert windows == {
        "week": (D("2026-01-26"), DAY),
        "month": (D("2026-01-01"), DAY),
        "30d": (D("2026-01-01"), DAY),
        "year": (D("2026-01-01"), DAY),
    }
    standings.refresh(D("2026-03-04"))
    assert CompletionWindow.objects.get(key="week").start == D("2026-03-02")
    assert CompletionWindow.objects.get(key="30d").start == D("2026-02-03")


def test_every_write_of_the_tasks_keeps_the_standings_exact(
    world, refreshed, make_measure, generate
):
    a = make_measure("daily", point_name="a")
    make_measure("weekly", point_name="w")
    make_measure("daily", enterprise=world.sibling, point_name="s")
    for day in ("2026-01-26", "2026-01-27", "2026-01-28", "2026-01-29", "2026-01-30"):
        generate(D(day))  # the job's set-based insert
    assert kept() == counted() and kept()
    manager = world.user(Role.SAFETY_MANAGER)
    for task in SelfCheckTask.objects.filter(measure=a).order_by("due_date")[:3]:
        services.record_task(task=task, actor=manager, result="normal")  # a record: done
    assert kept() == counted()
    generation.run_now(RunKind.MISS, D("2026-01-31"))  # the job's set-based update: missed
    assert kept() == counted()
    assert kept()[("week", world.inside.pk)] == (6, 3, 3, 0)  # five daily, one weekly
    # an update that moves no figure writes nothing; one that moves a task's day or
    # enterprise moves its count; a deletion takes it away
    SelfCheckTask.objects.filter(measure=a).update(responsible_name="李四")
    assert kept() == counted()
    SelfCheckTask.objects.filter(measure=a, due_date=D("2026-01-30")).update(
        due_date=D("2025-12-31")
    )
    SelfCheckTask.objects.filter(enterprise=world.sibling).update(
        enterprise=world.outside, region_code=world.outside.region_code
    )
    assert kept() == counted()
    assert not any(pk == world.sibling.pk for _key, pk in kept())
    SelfCheckTask.objects.filter(state=TaskState.MISSED, record__isnull=True).delete()
    assert kept() == counted()
    before = kept()
    standings.refresh(DAY)  # a fresh count agrees with what the triggers kept
    assert kept() == before


def test_the_table_reads_the_standings_only_for_their_exact_window(world, refreshed, make_task):
    make_task()
    enterprises = Enterprise.objects.all()
    # on the 30th of January, this month, the last 30 days and this year are the same days
    assert standings.Table(enterprises, D("2026-01-01"), DAY).window in {"month", "30d", "year"}
    assert standings.Table(enterprises, D("2026-01-26"), DAY).window == "week"
    assert standings.Table(enterprises, D("2026-01-02"), DAY).window is None
    assert standings.Table(enterprises, D("2026-01-26"), D("2026-01-31")).window is None
    # either way the same rows
    for start in (D("2026-01-01"), D("2026-01-02")):
        table = standings.Table(enterprises, start, DAY)
        rows = list(table)
        assert len(rows) == table.count() == enterprises.count()
        inside = next(r for r in rows if r["enterprise_id"] == world.inside.pk)
        assert (inside["total"], inside["pending"], inside["rate"]) == (1, 1, None)


@pytest.mark.parametrize("start", [D("2026-01-26"), D("2026-01-27")], ids=["kept", "live"])
def test_the_total_is_the_live_total(world, ranked, start):
    """The dashboard's figure: the same sums from the standings as counted from the tasks,
    for a scope that leaves an enterprise out."""
    scope = Enterprise.objects.exclude(pk=world.outside.pk)
    with CaptureQueriesContext(connection) as queries:
        got = standings.total(scope, start, DAY)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert ("selfchecks_completionstanding" in read) == (start == D("2026-01-26"))
    assert got == selectors.completion_total(scope, start, DAY)
    assert standings.total(scope, start, DAY).total > 0
    assert standings.total(Enterprise.objects.none(), start, DAY).total == 0
    assert list(standings.Table(Enterprise.objects.none(), start, DAY)) == []


@pytest.fixture
def ranked(world, refreshed, make_measure, generate):
    """`inside` 1 of 2 done (50 %), `sibling` 0 of 1 (0 %), `outside` nothing decided."""
    make_measure("daily", point_name="a")
    make_measure("daily", point_name="b")
    make_measure("daily", enterprise=world.sibling, point_name="s")
    make_measure("daily", enterprise=world.outside, point_name="o")
    generate(D("2026-01-29"))
    generate(DAY)
    manager = world.user(Role.SAFETY_MANAGER)
    first = SelfCheckTask.objects.filter(enterprise=world.inside).order_by("id").first()
    services.record_task(task=first, actor=manager, result="normal")
    SelfCheckTask.objects.filter(enterprise=world.inside, due_date=D("2026-01-29")).exclude(
        pk=first.pk
    ).update(state=TaskState.MISSED)
    SelfCheckTask.objects.filter(enterprise=world.sibling, due_date=D("2026-01-29")).update(
        state=TaskState.MISSED
    )
    return first


@pytest.mark.parametrize("start", [D("2026-01-26"), D("2026-01-27")], ids=["kept", "live"])
def test_the_table_is_worst_first_paged_with_the_last_record(world, ranked, start):
    table = standings.Table(Enterprise.objects.all(), start, DAY)
    assert (table.window is None) is (start != D("2026-01-26"))
    rows = list(table)
    assert [r["enterprise_id"] for r in rows] == [
        world.sibling.pk,
        world.inside.pk,
        world.outside.pk,
    ]
    assert [r["rate"] for r in rows] == [0.0, 50.0, None]
    ranked.refresh_from_db()
    assert rows[1]["last_record"] == timezone.localtime(ranked.record.recorded_at).date()
    assert rows[0]["last_record"] is None
    assert [r["enterprise_id"] for r in table[1:3]] == [world.inside.pk, world.outside.pk]
    assert table[3:10] == []
    scoped = standings.Table(Enterprise.objects.filter(pk=world.inside.pk), start, DAY)
    assert [r["enterprise_id"] for r in scoped] == [world.inside.pk]


def test_the_nightly_job_refreshes(world):
    rows = tasks.daily_standings(0)
    assert rows == 0 and CompletionWindow.objects.count() == len(standings.WINDOWS)


def test_the_standings_are_written_by_triggers_on_the_task_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'selfchecks_selfchecktask'::regclass"
            " AND NOT tgisinternal"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"selfchecks_standing_insert", "selfchecks_standing_update"} <= names
    assert "selfchecks_standing_delete" in names

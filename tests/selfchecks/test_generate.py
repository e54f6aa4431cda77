"""Task generation by frequency across month ends and holidays, the assignee rule, the
idempotency of both jobs, their progress rows and audit entries, and the real worker."""

from datetime import date

import pytest
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import RoleAssignment
from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from safeloop.selfchecks import generation
from safeloop.selfchecks.choices import RunKind, RunStatus, TaskState
from safeloop.selfchecks.models import JobRun, SelfCheckTask
from safeloop.selfchecks.tasks import run_job
from tests.conftest import run_worker
from tests.selfchecks.conftest import FREQUENCIES

D = date.fromisoformat


@pytest.fixture
def all_frequencies(make_measure):
    return {f: make_measure(f) for f in FREQUENCIES}


def due_dates():
    return {t.frequency: str(t.due_date) for t in SelfCheckTask.objects.all()}


def test_it_generates_each_frequencys_task_at_a_month_end(all_frequencies, generate):
    run = generate(D("2026-01-30"))  # Friday, the last working day of January
    assert due_dates() == {
        "shift": "2026-01-30",
        "daily": "2026-01-30",
        "weekly": "2026-01-30",
        "monthly": "2026-01-30",
        "quarterly": "2026-03-31",
        "yearly": "2026-12-31",
    }
    assert (run.status, run.total, run.done, run.created) == (RunStatus.DONE, 6, 6, 6)
    monthly = SelfCheckTask.objects.get(frequency="monthly")
    assert (monthly.period_start, monthly.period_end) == (D("2026-01-01"), D("2026-01-31"))


def test_a_second_run_of_the_same_day_creates_nothing(all_frequencies, generate):
    generate(D("2026-01-30"))
    entries = AuditEntry.objects.filter(action="selfchecks.selfchecktask.create").count()
    again = generate(D("2026-01-30"))
    assert (again.total, again.created) == (6, 0)
    assert SelfCheckTask.objects.count() == 6
    assert AuditEntry.objects.filter(action="selfchecks.selfchecktask.create").count() == entries


def test_a_saturday_brings_only_the_shift_task(all_frequencies, generate):
    generate(D("2026-01-30"))
    run = generate(D("2026-01-31"))
    assert run.created == 1
    assert SelfCheckTask.objects.filter(due_date=D("2026-01-31")).get().frequency == "shift"


def test_spring_festival_and_its_made_up_working_days(all_frequencies, generate):
    generate(D("2026-02-14"))  # a made-up working Saturday
    assert SelfCheckTask.objects.filter(frequency="daily", due_date=D("2026-02-14")).exists()
    generate(D("2026-02-18"))  # in the holiday
    assert not SelfCheckTask.objects.filter(frequency="daily", period_start=D("2026-02-18"))
    weekly = SelfCheckTask.objects.get(frequency="weekly", period_start=D("2026-02-16"))
    assert weekly.due_date == D("2026-02-20")  # a week without working days keeps Friday
    generate(D("2026-02-28"))
    assert SelfCheckTask.objects.filter(frequency="daily", due_date=D("2026-02-28")).exists()
    assert SelfCheckTask.objects.get(
        frequency="monthly", period_start=D("2026-02-01")
    ).due_date == D("2026-02-28")


def test_a_week_across_the_year_end_is_one_task(all_frequencies, generate):
    generate(D("2025-12-29"))
    generate(D("2025-12-31"))
    weekly = SelfCheckTask.objects.filter(frequency="weekly")
    assert weekly.count() == 1
    assert weekly.get().due_date == D("2025-12-31")
    # The yearly and quarterly tasks of 2025 and the monthly of December, once each.
    assert SelfCheckTask.objects.filter(frequency="yearly").get().period_start == D("2025-01-01")


def test_no_task_is_born_already_late(make_measure, generate):
    make_measure("monthly")
    generate(D("2026-01-31"))  # the month's task was due on Friday the 30th
    assert not SelfCheckTask.objects.exists()


def test_tasks_go_to_the_linked_account_else_the_safety_staff(world, make_measure, generate):
    manager = world.user(Role.SAFETY_MANAGER)
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    linked = make_measure("daily", responsible_user=principal, point_name="a")
    unlinked = make_measure("daily", point_name="b")
    generate(D("2026-01-30"))
    assert SelfCheckTask.objects.get(measure=linked).assignee == principal
    task = SelfCheckTask.objects.get(measure=unlinked)
    assert task.assignee == manager and task.responsible_name == "张班长"
    # The linked person leaves the enterprise: the next tasks go to the safety staff.
    RoleAssignment.objects.filter(user=principal).update(active=False)
    generate(D("2026-02-02"))
    assert SelfCheckTask.objects.get(measure=linked, period_start=D("2026-02-02")).assignee == (
        manager
    )


def test_without_a_safety_manager_the_principal_gets_the_task(world, make_measure, generate):
    RoleAssignment.objects.filter(user=world.user(Role.SAFETY_MANAGER)).update(active=False)
    make_measure("daily")
    generate(D("2026-01-30"))
    assert SelfCheckTask.objects.get().assignee == world.user(Role.ENTERPRISE_PRINCIPAL)


def test_an_enterprise_without_staff_gets_unassigned_tasks(world, make_measure, generate):
    make_measure("daily", enterprise=world.outside)
    generate(D("2026-01-30"))
    task = SelfCheckTask.objects.get()
    assert task.assignee is None and task.region_code == "640202"


def test_deleted_measures_points_and_closed_enterprises_get_no_tasks(world, make_measure, generate):
    admin = world.user(Role.SYSTEM_ADMIN)
    gone = make_measure("daily", point_name="a")
    risks.delete_measure(actor=admin, measure=gone)
    point_gone = make_measure("daily", point_name="b")
    risks.delete_risk_point(actor=admin, point=point_gone.risk_point)
    make_measure("daily", enterprise=world.sibling)
    Enterprise.objects.filter(pk=world.sibling.pk).update(status="closed")
    kept = make_measure("daily", point_name="c")
    generate(D("2026-01-30"))
    assert list(SelfCheckTask.objects.values_list("measure", flat=True)) == [kept.pk]


def test_missed_tasks_are_marked_once(all_frequencies, generate):
    generate(D("2026-01-30"))
    run = generation.run_now(RunKind.MISS, D("2026-01-31"))
    missed = set(
        SelfCheckTask.objects.filter(state=TaskState.MISSED).values_list("frequency", flat=True)
    )
    assert missed == {"shift", "daily", "weekly", "monthly"}
    assert (run.total, run.created, run.status) == (4, 4, RunStatus.DONE)
    assert AuditEntry.objects.filter(action="selfchecks.selfchecktask.miss").count() == 4
    again = generation.run_now(RunKind.MISS, D("2026-01-31"))
    assert again.created == 0
    assert AuditEntry.objects.filter(action="selfchecks.selfchecktask.miss").count() == 4
    # On the due day itself nothing is missed yet.
    generate(D("2026-02-02"))
    assert generation.run_now(RunKind.MISS, D("2026-02-02")).created == 0


def test_tasks_follow_their_enterprise_when_it_moves(world, make_measure, generate):
    make_measure("daily")
    generate(D("2026-01-30"))
    enterprise = Enterprise.objects.get(pk=world.inside.pk)
    enterprise.region, enterprise.park, enterprise.grid = world.sibling_county, None, None
    enterprise.save()
    assert SelfCheckTask.objects.get().region_code == "640105"


def test_a_failing_run_records_the_failure(db):
    run = JobRun.objects.create(kind="retired", day=D("2026-01-30"))
    with pytest.raises(KeyError):
        generation.execute(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "retired" in run.message


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_generation(world, make_measure):
    from safeloop.selfchecks import tasks
    from safeloop.selfchecks.rules_data import ensure_rules

    ensure_rules()
    make_measure("daily")
    run = tasks.start(RunKind.GENERATE, D("2026-01-30"), requested_by=world.user(Role.SYSTEM_ADMIN))
    job = ProcrastinateJob.objects.get(task_name="selfchecks.run")
    assert job.args == {"run_id": run.pk}

    run_worker(["selfchecks"], timeout=60)
    assert ProcrastinateJob.objects.get(pk=job.pk).status == "succeeded"
    run.refresh_from_db()
    assert (run.status, run.created, run.requested_by) == (
        RunStatus.DONE,
        1,
        world.user(Role.SYSTEM_ADMIN),
    )
    assert AuditEntry.objects.filter(action="selfchecks.jobrun.start").exists()
    assert run_job.name == "selfchecks.run"


def test_the_jobs_are_scheduled_nightly_missed_before_new():
    periodic = {t.task.name: t.cron for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["selfchecks.daily_missed"] == "5 0 * * *"
    assert periodic["selfchecks.daily_generate"] == "15 0 * * *"


def test_the_nightly_jobs_run_for_today(world, make_measure):
    from safeloop.selfchecks.tasks import daily_generate, daily_missed

    make_measure("shift")
    assert daily_generate(timestamp=0) == 1
    assert daily_missed(timestamp=0) == 0
    assert JobRun.objects.filter(status=RunStatus.DONE).count() == 2

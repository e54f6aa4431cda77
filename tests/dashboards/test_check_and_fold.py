"""The check command and the fold job, run as an operator and a worker would run them."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.dashboards.models import HazardCount, HazardCountChange
from safeloop.dashboards.tasks import fold_tallies
from tests.conftest import run_worker


def test_it_reports_equal_summaries(world, register, capsys):
    register()
    call_command("check_summaries")
    assert "summaries equal the base tables" in capsys.readouterr().out


def test_it_reports_a_difference_and_fails_then_rebuilds(world, register, capsys):
    register()
    call_command("check_summaries", "--fold")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dashboards_hazardcount SET n = n + 5")
    with pytest.raises(CommandError, match="differ"):
        call_command("check_summaries")
    assert "summary (6,) ≠ base tables (1,)" in capsys.readouterr().out
    call_command("check_summaries", "--rebuild")
    call_command("check_summaries")


@pytest.mark.django_db(transaction=True)
def test_the_worker_folds_the_changes(world, register):
    register()
    register(world.sibling)
    assert HazardCountChange.objects.count() == 2
    job_id = fold_tallies.defer(timestamp=int(timezone.now().timestamp()))

    run_worker(["dashboards"], timeout=60)
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert HazardCountChange.objects.count() == 0
    assert sum(HazardCount.objects.values_list("n", flat=True)) == 2


def test_the_fold_is_scheduled_every_minute():
    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["dashboards.fold_tallies"].cron == "* * * * *"


def test_one_statement_updating_many_rows_keeps_the_tallies_exact(world, register, assert_exact):
    """The UPDATE triggers see a whole statement's rows at once (a set difference decides
    whether any key moved): a no-key change, a swap of states and a move of all rows."""
    first, second = register(), register(level="major")
    Hazard = type(first)
    Hazard.objects.filter(pk__in=[first.pk, second.pk]).update(place="新车间")  # no key moves
    assert_exact()
    with connection.cursor() as cursor:  # the two exchange their levels in one statement
        cursor.execute(
            "UPDATE hazards_hazard SET level = CASE level WHEN 'major' THEN 'general' "
            "ELSE 'major' END WHERE id IN (%s, %s)",
            [first.pk, second.pk],
        )
    assert_exact()
    Hazard.objects.filter(pk__in=[first.pk, second.pk]).update(state="voided")
    assert_exact()

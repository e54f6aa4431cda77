"""The periodic jobs, run by a real procrastinate worker on PostgreSQL: the rules evaluation
and the monthly bulletins; both are scheduled daily and safe to repeat."""

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from safeloop.alerts.choices import RuleCode
from safeloop.alerts.models import EarlyWarning
from safeloop.alerts.tasks import evaluate_rules
from safeloop.bulletins.models import Bulletin
from safeloop.bulletins.tasks import last_month, monthly_bulletins
from tests.alerts.test_rules import licence
from tests.conftest import run_worker


@pytest.mark.django_db(transaction=True)
def test_the_worker_evaluates_the_rules_and_makes_the_bulletins(world, rule, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rule(RuleCode.LICENCE_EXPIRY)
    licence(world.inside, 15)
    stamp = int(timezone.now().timestamp())
    jobs = [evaluate_rules.defer(timestamp=stamp), monthly_bulletins.defer(timestamp=stamp)]
    run_worker(["alerts", "bulletins"])
    assert {ProcrastinateJob.objects.get(id=j).status for j in jobs} == {"succeeded"}
    assert EarlyWarning.objects.filter(rule__code=RuleCode.LICENCE_EXPIRY).count() == 1
    raised = EarlyWarning.objects.count()  # the world's enterprises never self-checked, too
    month = last_month(timezone.localdate())
    assert Bulletin.objects.filter(month=month).count() == 5
    # again: nothing new
    jobs = [evaluate_rules.defer(timestamp=stamp + 1), monthly_bulletins.defer(timestamp=stamp + 1)]
    run_worker(["alerts", "bulletins"])
    assert {ProcrastinateJob.objects.get(id=j).status for j in jobs} == {"succeeded"}
    assert EarlyWarning.objects.count() == raised
    assert Bulletin.objects.filter(month=month, generations=1).count() == 5


def test_both_jobs_are_scheduled_daily():
    periodic = {t.task.name: t for t in app.periodic_registry.periodic_tasks.values()}
    assert periodic["alerts.evaluate_rules"].cron == "37 1 * * *"
    assert periodic["bulletins.monthly"].cron == "47 2 * * *"

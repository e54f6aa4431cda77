"""The demo's self-checks: the safety manager has today's tasks and two weeks of history,
and seeding again changes nothing."""

from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.demo.seed import seed
from safeloop.orgs.models import User
from safeloop.selfchecks import selectors
from safeloop.selfchecks.models import SelfCheckRecord, SelfCheckTask


def test_the_demo_safety_manager_has_tasks_and_a_history(db, demo):
    manager = User.objects.get(username="safety_manager")
    today = timezone.localdate()
    mine = selectors.my_tasks(manager, today, "week")
    assert {t.frequency for t in mine} >= {"shift", "weekly", "monthly"}
    assert SelfCheckRecord.objects.filter(recorded_by=manager).count() >= 10
    assert SelfCheckTask.objects.filter(state="missed").exists()
    counts = (SelfCheckTask.objects.count(), SelfCheckRecord.objects.count())
    audit = AuditEntry.objects.count()
    seed()
    assert (SelfCheckTask.objects.count(), SelfCheckRecord.objects.count()) == counts
    assert AuditEntry.objects.count() == audit

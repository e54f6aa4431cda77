"""An operating enterprise without an all-staff list warns once a year; issuing one stops it."""

from django.utils import timezone

from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.duties import services
from safeloop.duties.selectors import missing_ids
from safeloop.orgs.roles import Role
from tests.duties.conftest import issued


def test_a_missing_all_staff_list_warns(world):
    post_only = issued(world.sibling, kind="post", post="班组长")
    issued(world.outside)
    rule = WarningRule.objects.get(code="duties_missing")
    today = timezone.localdate()
    evaluate(rule, today)
    warned = set(EarlyWarning.objects.filter(rule=rule).values_list("enterprise_id", flat=True))
    assert warned == {world.inside.pk, world.sibling.pk}
    assert set(missing_ids().values_list("pk", flat=True)) == warned
    warning = EarlyWarning.objects.get(rule=rule, enterprise=world.inside)
    assert warning.reason == "未制定全员安全生产责任清单"
    assert warning.link == f"/duties/enterprises/{world.inside.pk}/"
    services.issue_list(
        actor=world.user(Role.SAFETY_MANAGER), enterprise=world.inside, kind="all_staff"
    )
    evaluate(rule, today)
    assert EarlyWarning.objects.filter(rule=rule).count() == 2
    assert world.inside.pk not in set(missing_ids().values_list("pk", flat=True))
    assert post_only.retired_at is None


def test_the_home_page_asks_staff_to_issue_the_list(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert "园区内企业：制定全员安全生产责任清单" in client.get("/").content.decode()

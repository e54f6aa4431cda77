"""The re-check warning rule: raised the day after an order's deadline, once."""

from datetime import timedelta

from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.enforcement import services
from safeloop.orgs.roles import Role
from tests.enforcement.conftest import issue_order


def test_it_warns_of_an_order_not_rechecked_after_its_deadline(world, hazard):
    order = issue_order(world, hazard)
    rule = WarningRule.objects.get(code="recheck_overdue")
    assert evaluate(rule, order.deadline + timedelta(days=1))["raised"] == 0  # not yet served
    services.serve_document(
        actor=world.user(Role.COUNTY_INSPECTOR), document=order, version=1, signed_by="张三"
    )
    assert evaluate(rule, order.deadline)["raised"] == 0
    assert evaluate(rule, order.deadline + timedelta(days=1))["raised"] == 1
    assert evaluate(rule, order.deadline + timedelta(days=2))["raised"] == 0
    warning = EarlyWarning.objects.get(rule=rule)
    assert warning.link == f"/enforcement/documents/{order.pk}/"
    assert order.number in warning.reason

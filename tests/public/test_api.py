"""The regulators' API over public reports: the same services and statuses as the screen."""

import pytest

from safeloop.orgs.roles import REGULATORS, Role
from safeloop.public import services
from safeloop.public.choices import ReportState
from tests.scope import ROLES, assert_hidden, assert_list_in_scope, assert_status

pytestmark = pytest.mark.django_db
URL = "/api/v1/public-reports/"


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_reports_to_regulators_in_scope_only(api, world, role):
    inside, _ = services.submit(actor=None, enterprise=world.inside, description="通道堵塞")
    outside, _ = services.submit(actor=None, enterprise=world.outside, description="通道堵塞")
    response = api.as_user(world.users[role]).get(URL)
    if role == Role.SYSTEM_ADMIN:
        assert_list_in_scope(response, {inside.pk, outside.pk}, set())
    elif role in REGULATORS:
        assert_list_in_scope(response, {inside.pk}, {outside.pk})
        assert "code_hash" not in response.json()["results"][0]
        assert_hidden(api.get(f"{URL}{outside.pk}/"))
    else:
        assert_list_in_scope(response, set(), {inside.pk, outside.pk})
        assert_hidden(api.post(f"{URL}{inside.pk}/reject/", {"version": 1, "reason": "x"}))


def test_it_accepts_and_rejects_with_exact_statuses(api, world):
    site, _ = services.submit(actor=None, site_name="作坊", county=world.county, description="冒烟")
    api.as_user(world.users[Role.COUNTY_INSPECTOR])
    missing = api.post(f"{URL}{site.pk}/accept/", {"version": 1})
    assert_status(missing, 400)
    assert "enterprise" in missing.json()["error"]["fields"]
    hidden = api.post(f"{URL}{site.pk}/accept/", {"version": 1, "enterprise": world.outside.pk})
    assert_status(hidden, 400)
    assert_status(api.post(f"{URL}{site.pk}/accept/", {"version": "x"}), 400)
    ok = api.post(f"{URL}{site.pk}/accept/", {"version": 1, "enterprise": world.inside.pk})
    assert_status(ok, 200)
    assert ok.json()["state"] == ReportState.ACCEPTED and ok.json()["hazard"]
    assert_status(api.post(f"{URL}{site.pk}/reject/", {"version": 1, "reason": "x"}), 409)
    assert_status(api.post(f"{URL}{site.pk}/reject/", {"version": 2, "reason": "x"}), 409)

"""An administrator changes the hidden-danger policy by adding a new one in the admin,
prefilled from the policy in effect; saved policies are read-only and never deleted, a new
one cannot start in the past, and its escalation steps are checked. Each addition is
audited and applies to the next hazard at once."""

import json
from datetime import date, timedelta

from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.hazards.models import HazardPolicy
from tests.conftest import make_user


def _admin(client):
    root = make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


def _data(**changes):
    return {
        "effective_from": timezone.localdate().isoformat(),
        "source": "宁夏回族自治区补充规定（测试）",
        "listing_level": "city",
        "general_max_extensions": "2",
        "major_extension_notice_working_days": "15",
        "reminder_working_days": "5",
        "max_deadline_days": "730",
        "escalation": json.dumps([{"after_days": 0, "notify": "enterprise"}]),
        **changes,
    }


def test_an_administrator_adds_a_policy_that_applies_at_once(world, client):
    _admin(client)
    form = client.get("/admin/hazards/hazardpolicy/add/").content.decode()
    assert 'name="general_max_extensions"' in form and 'value="1"' in form  # the defaults
    response = client.post("/admin/hazards/hazardpolicy/add/", _data())
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = HazardPolicy.current()
    assert (policy.listing_level, policy.general_max_extensions) == ("city", 2)
    assert AuditEntry.objects.filter(
        action__startswith="hazards.hazardpolicy", object_id=str(policy.pk)
    ).exists()


def test_a_saved_policy_is_neither_rewritten_nor_deleted(world, client):
    old = HazardPolicy.objects.create(effective_from=date(2024, 1, 1), source="旧规定")
    _admin(client)
    page = client.get(f"/admin/hazards/hazardpolicy/{old.pk}/change/")
    assert page.status_code == 200 and 'name="source"' not in page.content.decode()
    client.post(f"/admin/hazards/hazardpolicy/{old.pk}/change/", _data(source="改写"))
    old.refresh_from_db()
    assert old.source == "旧规定"
    assert client.post(f"/admin/hazards/hazardpolicy/{old.pk}/delete/").status_code == 403
    assert HazardPolicy.objects.filter(pk=old.pk).exists()


def test_a_new_policy_is_checked(world, client):
    _admin(client)
    before = HazardPolicy.objects.count()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    for bad, field in [
        ({"effective_from": yesterday}, "effective_from"),
        ({"escalation": json.dumps([{"after_days": 3, "notify": "province"}])}, "escalation"),
        ({"escalation": json.dumps({"after_days": 3})}, "escalation"),
        (
            {
                "escalation": json.dumps(
                    [{"after_days": 7, "notify": "county"}, {"after_days": 3, "notify": "grid"}]
                )
            },
            "escalation",
        ),
    ]:
        response = client.post("/admin/hazards/hazardpolicy/add/", _data(**bad))
        assert response.status_code == 200, bad
        assert field in response.context["adminform"].form.errors, bad
    assert HazardPolicy.objects.count() == before

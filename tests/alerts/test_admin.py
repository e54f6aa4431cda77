"""An administrator edits a rule's thresholds in the admin; bad values are field errors and
change nothing; every edit is audited; rules are neither added nor deleted there."""

import json

from safeloop.alerts.choices import RuleCode
from safeloop.alerts.models import WarningRule
from safeloop.core.models import AuditEntry
from tests.conftest import make_user


def _admin(client):
    root = make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


def _post(client, rule, **changes):
    data = {
        "enabled": "on",
        "params": json.dumps(rule.params),
        "audience": json.dumps(rule.audience),
        "source": rule.source,
        "notes": rule.notes,
        **changes,
    }
    return client.post(f"/admin/alerts/warningrule/{rule.pk}/change/", data)


def test_the_admin_edits_thresholds_and_audits_them(world, rule, client):
    r = rule(RuleCode.MAJOR_DEADLINE)
    response = _post(_admin(client), r, params='{"working_days": 15}', source="本地规定")
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.params == {"working_days": 15} and r.source == "本地规定"
    entry = AuditEntry.objects.get(action="alerts.warningrule.update", object_id=str(r.pk))
    assert entry.changes["params"] == [{"working_days": 10}, {"working_days": 15}]


def test_bad_thresholds_in_the_admin_change_nothing(world, rule, client):
    r = rule(RuleCode.OVERDUE_CLUSTER)
    _admin(client)
    for params, audience in [
        ('{"park_min": "five", "grid_min": 3}', '["park"]'),
        ('{"park_min": 5}', '["park"]'),
        ("not json", '["park"]'),
        ('{"park_min": 5, "grid_min": 3}', '["everyone"]'),
    ]:
        response = _post(client, r, params=params, audience=audience)
        assert response.status_code == 200  # the form again, with its errors
        assert "errorlist" in response.content.decode()
    assert WarningRule.objects.get(pk=r.pk).params == {"park_min": 5, "grid_min": 3}


def test_rules_are_not_added_or_deleted_in_the_admin(world, rule, client):
    r = rule(RuleCode.LICENCE_EXPIRY)
    _admin(client)
    assert client.get("/admin/alerts/warningrule/add/").status_code == 403
    assert (
        client.post(f"/admin/alerts/warningrule/{r.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert WarningRule.objects.filter(pk=r.pk).exists()

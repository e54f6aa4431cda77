"""The report and the scoring-rule screens: every role with its exact status, the figures on
the report, an administrator's new rule version, and bad input refused with field errors."""

from datetime import date

import pytest

from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.prediction import services
from safeloop.prediction.models import ScoringRule
from tests.scope import ROLES


def status_for(role, *, regulators_only=True):
    if role is None:
        return 403
    return 200 if role in REGULATORS else 403


@pytest.mark.parametrize("role", ROLES)
def test_the_report_is_for_regulators(world, client, role):
    client.force_login(world.users[role])
    assert client.get("/prediction/").status_code == status_for(role)
    assert client.get("/prediction/rules/").status_code == status_for(role)


def test_signed_out_goes_to_the_login(client):
    assert client.get("/prediction/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_add_a_rule_version(world, client, role):
    client.force_login(world.users[role])
    before = ScoringRule.objects.count()
    response = client.post(
        "/prediction/rules/",
        {
            "effective_from": "2027-01-01",
            "enabled": "on",
            "target": "major",
            "top_share_percent": "15",
            "min_probability": "0.1",
            "explained_terms": "3",
            "source": "局务会决定",
        },
    )
    expected = 302 if role in ADMINS else 403
    assert response.status_code == expected
    assert ScoringRule.objects.count() == before + (1 if expected == 302 else 0)


@pytest.mark.parametrize(
    "field,value",
    [
        ("top_share_percent", "0"),
        ("top_share_percent", "abc"),
        ("min_probability", "1.5"),
        ("effective_from", "2020-01-01"),  # the seeded version's day
        ("source", "   "),
        ("target", "<script>"),
    ],
)
def test_bad_rule_input_is_a_field_error(world, client, field, value):
    ScoringRule.objects.get_or_create(effective_from=date(2020, 1, 1), defaults={"source": "试行"})
    client.force_login(world.user(Role.CITY_ADMIN))
    data = {
        "effective_from": "2027-01-01",
        "target": "major",
        "top_share_percent": "15",
        "min_probability": "0.1",
        "explained_terms": "3",
        "source": "局务会决定",
        field: value,
    }
    before = ScoringRule.objects.count()
    response = client.post("/prediction/rules/", data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert "has-error" in response.content.decode()
    assert ScoringRule.objects.count() == before


def test_the_report_shows_the_retrodiction_and_the_models(world, client, planted):
    services.evaluate(actor=world.user(Role.CITY_ADMIN), cutoff=date(2025, 12, 1), months=6)
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    html = client.get("/prediction/").content.decode()
    assert 'id="retrodiction"' in html and 'data-order="rules"' in html
    assert 'id="prediction-chart"' in html and "echarts.min.js" in html
    assert 'data-model="1"' in html and 'data-model="2"' in html
    assert "预留" in html  # the credit and enforcement slots

"""The API of years, uses, rate tables, the insurance rule, the summary and the calculator:
one exact status per role inside and outside scope, bad input a 400 with fields, stale
versions a 409, nothing deleted."""

import pytest
from django.utils import timezone

from safeloop.investment.models import ExpenseUse, ExpenseYear, RateTable
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.investment.conftest import pdf
from tests.scope import ROLES, assert_list_in_scope, assert_status

pytestmark = pytest.mark.django_db

EDITORS = REGULATORS | ENTERPRISE_STAFF
YEAR = timezone.localdate().year


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_years_and_uses(api, client, world, year_row, use, role):
    inside = year_row()
    inside_use = use()
    outside = year_row(enterprise=world.outside)
    outside_use = use(enterprise=world.outside)
    api.as_user(world.users[role])
    sees = role is not None
    admin = role == Role.SYSTEM_ADMIN
    for url, mine, other in [
        ("/api/v1/expense-years/", inside.pk, outside.pk),
        ("/api/v1/expense-uses/", inside_use.pk, outside_use.pk),
    ]:
        listed = api.get(url)
        if admin:
            assert_list_in_scope(listed, {mine, other}, set())
        elif sees:
            assert_list_in_scope(listed, {mine}, {other})
        else:
            assert_list_in_scope(listed, set(), {mine, other})
        assert_status(api.get(f"{url}{mine}/"), 200 if sees else 404)
        assert_status(api.get(f"{url}{other}/"), 200 if admin else 404)
    changed = api.patch(
        f"/api/v1/expense-years/{inside.pk}/", {"extracted": "100000.00", "version": 1}
    )
    assert_status(changed, 200 if role in EDITORS else 403 if sees else 404)
    if role in EDITORS:
        assert changed.json()["required"] == "2150000.00"
    assert_status(
        api.patch(f"/api/v1/expense-years/{outside.pk}/", {"extracted": "1", "version": 1}),
        200 if admin else 404,
    )
    created = api.post(
        "/api/v1/expense-years/",
        {"enterprise": world.inside.pk, "year": YEAR - 1, "revenue": "10000000"},
    )
    # an enterprise outside the actor's scope is a bad choice on the field (400)
    assert_status(created, 201 if role in EDITORS else 403 if sees else 400)
    posted = client.post(
        "/api/v1/expense-uses/",
        {
            "enterprise": world.inside.pk,
            "spent_on": timezone.localdate().isoformat(),
            "category": "training",
            "amount": "5000",
            "description": "安全培训",
            "voucher": pdf(),
        },
    )
    assert_status(posted, 201 if role in EDITORS else 403 if sees else 400)
    voided = api.post(
        f"/api/v1/expense-uses/{inside_use.pk}/void/", {"version": 1, "note": "重复录入"}
    )
    assert_status(voided, 200 if role in EDITORS else 403 if sees else 404)
    assert_status(
        api.post(f"/api/v1/expense-uses/{outside_use.pk}/void/", {"version": 1, "note": "x"}),
        200 if admin else 404,
    )
    assert_status(api.delete(f"/api/v1/expense-uses/{inside_use.pk}/"), 405)
    assert ExpenseUse.objects.filter(pk=inside_use.pk).exists()
    summary = api.get(f"/api/v1/expense-summary/?year={YEAR}")
    assert_status(summary, 200)
    regions = {r["region_code"] for r in summary.json()["rows"]}
    assert ("640202" in regions) == admin


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_administrators_add_rule_versions(api, world, role):
    api.as_user(world.users[role])
    assert_status(api.get("/api/v1/expense-rate-tables/"), 200)
    assert_status(api.get("/api/v1/insurance-rules/"), 200)
    table = api.post(
        "/api/v1/expense-rate-tables/",
        {
            "sector": "machinery",
            "bands": [{"up_to": "10000000", "rate": "2.5"}, {"up_to": None, "rate": "1"}],
            "effective_from": "2030-01-01",
            "source": "新文件",
        },
    )
    assert_status(table, 201 if role in ADMINS else 403)
    rule = api.post(
        "/api/v1/insurance-rules/",
        {
            "coverage_percent": 90,
            "guarantee_sectors": ["explosives"],
            "effective_from": "2030-01-01",
            "source": "新文件",
        },
    )
    assert_status(rule, 201 if role in ADMINS else 403)


def test_it_refuses_bad_input_with_fields_and_changes_nothing(api, world, year_row):
    row = year_row()
    api.as_user(world.user(Role.SAFETY_MANAGER))
    for body, field in [
        ({"year": YEAR - 2, "revenue": "-1"}, "revenue"),
        ({"year": YEAR - 2, "revenue": "abc"}, "revenue"),
        ({"year": YEAR - 2}, "revenue"),
        ({"year": "<b>x</b>", "revenue": "1"}, "year"),
        ({"year": 1900, "revenue": "1"}, "year"),
    ]:
        answer = api.post("/api/v1/expense-years/", {"enterprise": world.inside.pk, **body})
        assert_status(answer, 400)
        assert field in answer.json()["error"]["fields"], body
    stale = api.patch(f"/api/v1/expense-years/{row.pk}/", {"extracted": "5", "version": 9})
    assert_status(stale, 409)
    answer = api.client.post(
        "/api/v1/expense-uses/",
        {
            "enterprise": world.inside.pk,
            "spent_on": timezone.localdate().isoformat(),
            "category": "ppe",
            "amount": "10",
            "description": "x",
        },
    )
    assert_status(answer, 400)
    assert "voucher" in answer.json()["error"]["fields"]
    admin = api.as_user(world.user(Role.CITY_ADMIN))
    bad = admin.post(
        "/api/v1/expense-rate-tables/",
        {
            "sector": "machinery",
            "bands": [{"up_to": "5", "rate": "1"}],
            "effective_from": "2030-01-01",
            "source": "x",
        },
    )
    assert_status(bad, 400)
    assert "bands" in bad.json()["error"]["fields"]
    assert ExpenseYear.objects.count() == 1 and not ExpenseUse.objects.exists()
    assert not RateTable.objects.filter(effective_from="2030-01-01").exists()


def test_it_calculates_without_sign_in(client, world):
    answer = client.get("/api/v1/safety-expense-calculator/?sector=explosives&revenue=1500000000")
    assert_status(answer, 200)
    data = answer.json()
    assert data["total"] == "7700000.00" and data["monthly"] == "641666.67"
    assert [b["amount"] for b in data["bands"]] == [
        "400000.00",
        "1800000.00",
        "4500000.00",
        "1000000.00",
    ]
    assert data["bands"][3] == {
        "lower": "1000000000.00",
        "upper": None,
        "rate_percent": "0.2",
        "base": "500000000.00",
        "amount": "1000000.00",
    }
    assert "第三十六条" in data["table"]["source"]


def test_it_answers_hostile_voids_and_years_without_a_server_error(api, world, year_row, use):
    year_row()
    made = use()
    api.as_user(world.user(Role.SAFETY_MANAGER))
    for body in [{"version": "abc", "note": "x"}, {"note": "x"}, {"version": 1}, {}]:
        answer = api.post(f"/api/v1/expense-uses/{made.pk}/void/", body)
        assert_status(answer, 400, str(body))
    assert ExpenseUse.objects.get().voided_at is None
    for query in ["year=abc", "year=1900", "year=99999999999999999999"]:
        assert_status(api.get(f"/api/v1/expense-summary/?{query}"), 400)


def test_it_shows_the_revenue_to_do_until_the_year_is_recorded(client, world, metallurgy):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert "登记上年营业收入" in client.get("/").content.decode()
    client.post(
        f"/investment/enterprises/{world.inside.pk}/",
        {"form": "year", "year": YEAR, "revenue": "1000", "extracted": "0"},
    )
    assert "登记上年营业收入" not in client.get("/").content.decode()
    client.force_login(world.user(Role.COUNTY_ADMIN))  # regulators are not asked
    assert "登记上年营业收入" not in client.get("/").content.decode()

"""The API of training records, annual all-staff figures, the statutory-hours rules and
campaigns: one exact status per role inside and outside scope, bad input a 400 with fields,
stale versions a 409, and nothing deleted."""

import pytest

from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.training import services
from safeloop.training.models import AnnualTraining, Campaign, TrainingRecord
from tests.scope import ROLES, assert_list_in_scope, assert_status

pytestmark = pytest.mark.django_db

EDITORS = REGULATORS | ENTERPRISE_STAFF
SEES_INSIDE = set(Role)  # every role of the world reaches the inside enterprise
COUNTY_UP = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


def body(world, **extra):
    return {
        "enterprise": world.inside.pk,
        "post": "other",
        "person_name": "赵员工",
        "course": "新员工三级安全教育",
        "kind": "initial",
        "hours": "24.0",
        "started_on": "2026-01-05",
        "ended_on": "2026-01-08",
        "exam_result": "passed",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_records(api, world, train, role):
    inside = train()
    outside = train(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    user = world.users[role]
    api.as_user(user)
    listed = api.get("/api/v1/training-records/")
    if role == Role.SYSTEM_ADMIN:
        assert_list_in_scope(listed, {inside.pk, outside.pk}, set())
    elif role in SEES_INSIDE:
        assert_list_in_scope(listed, {inside.pk}, {outside.pk})
    else:
        assert_list_in_scope(listed, set(), {inside.pk, outside.pk})
    detail = api.get(f"/api/v1/training-records/{inside.pk}/")
    assert_status(detail, 200 if role in SEES_INSIDE else 404)
    assert_status(
        api.get(f"/api/v1/training-records/{outside.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 404,
    )
    changed = api.patch(f"/api/v1/training-records/{inside.pk}/", {"hours": "16", "version": 1})
    expected = 200 if role in EDITORS else 403 if role in SEES_INSIDE else 404
    assert_status(changed, expected)
    created = api.post("/api/v1/training-records/", body(world))
    assert_status(created, 201 if role in EDITORS else 403 if role in SEES_INSIDE else 400)
    assert_status(api.delete(f"/api/v1/training-records/{inside.pk}/"), 405 if role else 405)
    assert TrainingRecord.objects.filter(pk=inside.pk).exists()


def test_it_refuses_bad_records_with_fields_and_changes_nothing(api, world, people):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    before = TrainingRecord.objects.count()
    cases = [
        ({"ended_on": "2026-01-01"}, "ended_on"),  # before it started
        ({"hours": "0"}, "hours"),
        ({"ended_on": "2099-01-01", "started_on": "2099-01-01"}, "ended_on"),
        ({"post": "special_operator"}, "operator"),
        ({"certificate_valid_to": "2029-01-01"}, "certificate_number"),
        ({"enterprise": world.outside.pk}, "enterprise"),
        ({"hours": "abc"}, "hours"),
    ]
    for extra, field in cases:
        refused = api.post("/api/v1/training-records/", body(world, **extra))
        assert_status(refused, 400, str(extra))
        assert field in refused.json()["error"]["fields"], (extra, refused.json())
    assert TrainingRecord.objects.count() == before


def test_it_links_ledger_people_and_masks_certificates(api, world, people):
    api.as_user(world.user(Role.ENTERPRISE_PRINCIPAL))
    made = api.post(
        "/api/v1/training-records/",
        body(
            world,
            post="special_operator",
            operator=people["operator"].pk,
            person_name="",
            certificate_number="T640104199001011234",
            certificate_valid_to="2031-01-01",
        ),
    )
    assert_status(made, 201)
    data = made.json()
    assert data["person_name"] == "王焊工"
    assert data["certificate_number"] == "T640***********1234"
    principal = api.post("/api/v1/training-records/", body(world, post="principal", person_name=""))
    assert principal.json()["person_name"] == "张主任"


def test_it_voids_with_versions_and_never_deletes(api, world, train):
    record = train()
    api.as_user(world.user(Role.COUNTY_INSPECTOR))
    assert_status(api.post(f"/api/v1/training-records/{record.pk}/void/", {"version": 9}), 409)
    voided = api.post(f"/api/v1/training-records/{record.pk}/void/", {"version": 1})
    assert_status(voided, 200)
    assert voided.json()["voided_at"]
    again = api.post(f"/api/v1/training-records/{record.pk}/void/", {"version": 2})
    assert_status(again, 400)
    api.as_user(world.user(Role.EXPERT))
    assert_status(api.post(f"/api/v1/training-records/{record.pk}/void/", {"version": 2}), 403)


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_annual_figures(api, world, role):
    row = services.save_annual(
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        year=2025,
        staff_count=120,
        trained_count=118,
        total_hours=2900,
    )
    api.as_user(world.users[role])
    assert_status(
        api.get(f"/api/v1/training-annual/{row.pk}/"), 200 if role in SEES_INSIDE else 404
    )
    saved = api.post(
        "/api/v1/training-annual/",
        {
            "enterprise": world.inside.pk,
            "year": 2025,
            "staff_count": 120,
            "trained_count": 120,
            "total_hours": "3000",
            "version": 1,
        },
    )
    assert_status(saved, 201 if role in EDITORS else 403 if role in SEES_INSIDE else 400)
    assert AnnualTraining.objects.filter(enterprise=world.inside, year=2025).count() == 1


def test_it_keeps_one_annual_row_per_year_with_versions(api, world):
    api.as_user(world.user(Role.SAFETY_MANAGER))
    data = {
        "enterprise": world.inside.pk,
        "year": 2025,
        "staff_count": 80,
        "trained_count": 70,
        "total_hours": "1200",
    }
    assert_status(api.post("/api/v1/training-annual/", data), 201)
    assert_status(api.post("/api/v1/training-annual/", {**data, "version": 5}), 409)
    assert_status(api.post("/api/v1/training-annual/", {**data, "trained_count": 81}), 400)
    assert_status(api.post("/api/v1/training-annual/", {**data, "year": 2099}), 400)
    assert_status(api.post("/api/v1/training-annual/", {**data, "version": 1}), 201)
    row = AnnualTraining.objects.get()
    assert row.version == 2 and row.hours_per_head == 15


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_administrators_add_rule_versions(api, world, role):
    api.as_user(world.users[role])
    listed = api.get("/api/v1/training-rules/")
    assert_status(listed, 200 if role else 200)
    added = api.post(
        "/api/v1/training-rules/",
        {
            "post": "principal",
            "initial_hours": 48,
            "refresher_hours": 16,
            "effective_from": "2027-01-01",
            "source": "测试来源",
        },
    )
    admins = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}
    assert_status(added, 201 if role in admins else 403)


def test_it_refuses_a_rule_without_source_or_twice_on_a_day(api, world):
    api.as_user(world.user(Role.CITY_ADMIN))
    rule = {"post": "principal", "initial_hours": 48, "refresher_hours": 16}
    rule["effective_from"] = "2027-01-01"
    refused = api.post("/api/v1/training-rules/", {**rule, "source": " "})
    assert_status(refused, 400)
    assert_status(api.post("/api/v1/training-rules/", {**rule, "source": "来源"}), 201)
    twice = api.post("/api/v1/training-rules/", {**rule, "source": "来源"})
    assert_status(twice, 400)
    assert "effective_from" in twice.json()["error"]["fields"]


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_campaigns(api, world, role):
    campaign = services.create_campaign(
        actor=world.user(Role.COUNTY_ADMIN),
        region=world.county,
        title="2026年安全生产月",
        starts_on="2026-06-01",
        ends_on="2026-06-30",
        enterprises=[world.inside],
    )
    api.as_user(world.users[role])
    assert_status(api.get(f"/api/v1/campaigns/{campaign.pk}/"), 200 if role in COUNTY_UP else 404)
    changed = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"theme": "人人讲安全", "version": 1})
    assert_status(changed, 200 if role in COUNTY_UP else 404)
    created = api.post(
        "/api/v1/campaigns/",
        {
            "region": "640104",
            "title": "安全宣传咨询日",
            "starts_on": "2026-06-16",
            "ends_on": "2026-06-16",
        },
    )
    assert_status(created, 201 if role in COUNTY_UP else 400)
    activity = api.post(
        "/api/v1/campaign-activities/",
        {
            "campaign": campaign.pk,
            "held_on": "2026-06-16",
            "title": "应急演练观摩",
            "participants": 60,
            "enterprise": world.inside.pk,
        },
    )
    assert_status(activity, 201 if role in COUNTY_UP else 404)
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_it_refuses_an_activity_of_an_enterprise_not_taking_part(api, world):
    campaign = services.create_campaign(
        actor=world.user(Role.CITY_ADMIN),
        region=world.city,
        title="安全生产月",
        starts_on="2026-06-01",
        ends_on="2026-06-30",
    )
    api.as_user(world.user(Role.CITY_ADMIN))
    refused = api.post(
        "/api/v1/campaign-activities/",
        {
            "campaign": campaign.pk,
            "held_on": "2026-06-16",
            "title": "观摩",
            "enterprise": world.sibling.pk,
        },
    )
    assert_status(refused, 400)
    assert "enterprise" in refused.json()["error"]["fields"]
    backwards = api.post(
        "/api/v1/campaigns/",
        {"region": "640100", "title": "x", "starts_on": "2026-06-16", "ends_on": "2026-06-01"},
    )
    assert_status(backwards, 400)

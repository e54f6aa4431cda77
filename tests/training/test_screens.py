"""The training screens: who sees and who edits each page (one exact status per role),
the forms keep what was typed on error, and the public campaigns page needs no sign-in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from safeloop.training import services
from safeloop.training.models import Campaign, TrainingRecord, TrainingRule
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db

EDITORS = REGULATORS | ENTERPRISE_STAFF
COUNTY_UP = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}
FORM = {
    "form": "record",
    "post": "other",
    "person_name": "赵员工",
    "course": "有限空间作业安全培训",
    "kind": "other",
    "hours": "8",
    "started_on": "2026-03-02",
    "ended_on": "2026-03-02",
    "exam_result": "passed",
}


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_the_pages(client, world, people, train, role):
    record = train()
    outside = train(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    client.force_login(world.users[role])
    sees = role is not None
    assert_status(client.get("/training/"), 200)
    assert_status(client.get(f"/training/enterprises/{world.inside.pk}/"), 200 if sees else 404)
    assert_status(
        client.get(f"/training/enterprises/{world.outside.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 404,
    )
    assert_status(client.get(f"/training/records/{record.pk}/"), 200 if sees else 404)
    assert_status(
        client.get(f"/training/records/{outside.pk}/"), 200 if role == Role.SYSTEM_ADMIN else 404
    )
    posted = client.post(f"/training/enterprises/{world.inside.pk}/", FORM)
    assert_status(posted, 302 if role in EDITORS else 403 if sees else 404)
    assert_status(client.get("/training/rules/"), 200)
    assert_status(client.get("/training/campaigns/"), 200 if role in REGULATORS else 403)


def test_it_keeps_what_was_typed_on_error(client, world, people):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    page = client.post(
        f"/training/enterprises/{world.inside.pk}/", {**FORM, "ended_on": "2026-03-01"}
    )
    assert_status(page, 400)
    html = page.content.decode()
    assert "有限空间作业安全培训" in html and "课程结束" not in html
    assert page.context["record_form"].errors["ended_on"]
    assert not TrainingRecord.objects.exists()
    page = client.post(
        f"/training/enterprises/{world.inside.pk}/",
        {**FORM, "scan": SimpleUploadedFile("scan.pdf", b"not a pdf")},
    )
    assert_status(page, 400)
    assert page.context["record_form"].errors["scan"]
    page = client.post(
        f"/training/enterprises/{world.inside.pk}/",
        {**FORM, "scan": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test")},
    )
    assert_status(page, 302)
    assert TrainingRecord.objects.get().scan.name.endswith(".pdf")


def test_it_shows_people_short_of_hours_on_the_enterprise_page(client, world, people, train):
    train(post="principal", person_name="", hours=4)
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    page = client.get(f"/training/enterprises/{world.inside.pk}/")
    people_rows = page.context["people"]
    assert {p["name"]: p["short"] for p in people_rows} == {
        "张主任": True,
        "李安全": True,
        "王焊工": False,
    }
    annual = client.post(
        f"/training/enterprises/{world.inside.pk}/",
        {
            "form": "annual",
            "year": 2025,
            "staff_count": 50,
            "trained_count": 60,
            "total_hours": "800",
        },
    )
    assert_status(annual, 400)
    assert annual.context["annual_form"].errors["trained_count"]


def test_it_lets_an_administrator_add_a_rule_version_on_the_screen(client, world):
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    data = {
        "post": "safety_manager",
        "initial_hours": 48,
        "refresher_hours": 16,
        "review_every_years": 0,
        "certificate_valid_years": 3,
        "warn_days": 60,
        "effective_from": "2027-01-01",
        "source": "测试",
        "confidence": "unconfirmed",
    }
    assert_status(client.post("/training/rules/", data), 403)
    client.force_login(world.user(Role.CITY_ADMIN))
    assert_status(client.post("/training/rules/", {**data, "source": ""}), 400)
    assert_status(client.post("/training/rules/", data), 302)
    assert TrainingRule.objects.filter(effective_from="2027-01-01").count() == 1


def test_it_runs_a_campaign_on_screens_and_shows_it_publicly(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    made = client.post(
        "/training/campaigns/",
        {
            "title": "2026年安全生产月",
            "region": world.county.pk,
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
            "enterprises": [world.inside.pk],
            "published": "on",
        },
    )
    assert_status(made, 302)
    campaign = Campaign.objects.get()
    url = f"/training/campaigns/{campaign.pk}/"
    assert_status(
        client.post(
            url,
            {"form": "activity", "held_on": "2026-06-16", "title": "咨询日", "participants": 200},
        ),
        302,
    )
    assert_status(
        client.post(
            url,
            {
                "form": "material",
                "title": "活动方案",
                "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
            },
        ),
        302,
    )
    client.force_login(world.user(Role.PARK_OFFICER))
    assert_status(client.get(url), 404)
    client.logout()
    public = client.get("/public/campaigns/")
    assert_status(public, 200)
    html = public.content.decode()
    assert "2026年安全生产月" in html and "咨询日" in html and "活动方案" in html
    services.update_campaign(
        actor=world.user(Role.COUNTY_ADMIN), campaign=campaign, version=1, published=False
    )
    assert "2026年安全生产月" not in client.get("/public/campaigns/").content.decode()

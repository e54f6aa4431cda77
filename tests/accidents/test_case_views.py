"""The screens of the chain and the investigation: one exact status per role and scope."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.accidents import investigation as cases
from safeloop.accidents.models import Investigation
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_status

REGULATOR_ROLES = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR, Role.COUNTY_ADMIN,
                   Role.COUNTY_INSPECTOR, Role.PARK_OFFICER, Role.GRID_INSPECTOR}  # fmt: skip
VIEWERS = REGULATOR_ROLES | {Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER, Role.EXPERT}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_detail_shows_the_chain_and_revisions(world, client, make_accident, role):
    accident = make_accident()
    client.force_login(world.users[role])
    response = client.get(f"/accidents/{accident.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(response, 200 if role in VIEWERS else 404)
    if role in VIEWERS:
        page = response.content.decode()
        assert 'id="step-county"' in page and "首报" in page
        assert ('id="onward-county"' in page) == (role in {Role.COUNTY_ADMIN,
                                                            Role.COUNTY_INSPECTOR})  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_marking_the_county_step_on_the_screen(world, client, make_accident, role):
    accident = make_accident()
    client.force_login(world.users[role])
    response = client.post(f"/accidents/{accident.pk}/report-onward/", {"level": "county"})
    expected = 404 if role not in VIEWERS else 302
    if role in VIEWERS and role not in {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}:
        expected = 403
    assert_status(response, expected)
    done = accident.steps.get(level="county").reported_at is not None
    assert done == (expected == 302)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_opening_an_investigation_on_the_screen(world, client, make_accident, role):
    accident = make_accident()
    client.force_login(world.users[role])
    url = f"/accidents/{accident.pk}/investigation/"
    expected_get = 200 if role in REGULATOR_ROLES else 404
    assert_status(client.get(url), expected_get)
    response = client.post(url, {"form": "case", "team": "调查组"})
    expected = 302 if role in REGULATOR_ROLES else (403 if role in VIEWERS else 404)
    assert_status(response, expected)
    assert Investigation.objects.filter(accident=accident).exists() == (expected == 302)


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(world, client, make_accident):
    accident = make_accident()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    url = f"/accidents/{accident.pk}/investigation/"
    response = client.post(url, {"form": "case", "team": " ", "findings": "保护装置短接"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert_status(response, 400)
    assert "保护装置短接" in response.content.decode()
    assert not Investigation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_case_screen_and_its_report_by_role(world, client, make_accident, role):
    accident = make_accident()
    county = world.user(Role.COUNTY_ADMIN)
    case = cases.open_case(
        actor=county, accident=accident, team="调查组", direct_causes="短接",
        indirect_causes="培训不足", responsibility="主任", lessons="不得短接",
    )  # fmt: skip
    measure = cases.add_measure(actor=county, investigation=case, description="恢复保护",
                                deadline=timezone.localdate() + timedelta(days=5))  # fmt: skip
    client.force_login(world.users[role])
    url = f"/accidents/{accident.pk}/investigation/"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(response, 200 if role in VIEWERS else 404)
    report = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    closing = client.post(url, {"form": "close", "version": case.version, "report": report})
    # Regulators may try; the open measure refuses it (400); others 403 / 404.
    expected = 400 if role in REGULATOR_ROLES else (403 if role in VIEWERS else 404)
    assert_status(closing, expected)
    assert measure.hazard.state == "rectifying"
    assert_status(client.get(url + "report/"), 404)

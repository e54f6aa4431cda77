"""Creating a plan or a checklist with an id outside the user's scope answers exactly as an
id that does not exist: the same status, the same field, the same message."""

import pytest

from safeloop.inspections.models import Checklist, Plan
from safeloop.orgs.models import Department, Region
from safeloop.orgs.roles import Role
from tests.scope import ROLES

MISSING = 99_999_999


def login(api, world, role):
    return api.as_user(world.user(role) if role else world.users[None])


def same_answer(outside, missing, outside_id) -> None:
    assert outside.status_code == missing.status_code == 400, outside.content
    text = outside.content.decode().replace(str(outside_id), str(MISSING))
    assert text == missing.content.decode()


def visible(model, user, pk) -> bool:
    return model.objects.for_user(user).filter(pk=pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_an_out_of_scope_plan_region_as_a_missing_one(api, world, role):
    login(api, world, role)
    user = world.user(role) if role else world.users[None]
    body = {"title": "适时巡查", "kind": "patrol_timely", "period_start": "2026-12-01",
            "period_end": "2026-12-31"}  # fmt: skip
    if visible(Region, user, world.other_county.pk):
        return  # the system administrator sees every region
    outside = api.post("/api/v1/inspection-plans/", {**body, "region": world.other_county.pk})
    missing = api.post("/api/v1/inspection-plans/", {**body, "region": MISSING})
    same_answer(outside, missing, world.other_county.pk)
    outside = api.post("/api/v1/inspection-plans/", {**body, "enterprise": world.outside.pk})
    missing = api.post("/api/v1/inspection-plans/", {**body, "enterprise": MISSING})
    same_answer(outside, missing, world.outside.pk)
    assert not Plan.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_an_out_of_scope_checklist_owner_as_a_missing_one(api, world, role):
    other = Department.objects.create(
        name="大武口区应急管理局", kind="county_department", region=world.other_county
    )
    login(api, world, role)
    user = world.user(role) if role else world.users[None]
    if visible(Department, user, other.pk):
        return
    body = {"name": "接口自查表"}
    outside = api.post("/api/v1/inspection-checklists/", {**body, "department": other.pk})
    missing = api.post("/api/v1/inspection-checklists/", {**body, "department": MISSING})
    same_answer(outside, missing, other.pk)
    outside = api.post("/api/v1/inspection-checklists/", {**body, "enterprise": world.outside.pk})
    missing = api.post("/api/v1/inspection-checklists/", {**body, "enterprise": MISSING})
    same_answer(outside, missing, world.outside.pk)
    assert not Checklist.objects.filter(name="接口自查表").exists()


def test_the_system_administrator_still_plans_anywhere(api, world):
    login(api, world, Role.SYSTEM_ADMIN)
    body = {"title": "全市", "kind": "patrol_timely", "region": world.other_county.pk,
            "period_start": "2026-12-01", "period_end": "2026-12-31"}  # fmt: skip
    assert api.post("/api/v1/inspection-plans/", body).status_code == 201

"""The inspections API: scoped reads for every role, writes through the services, one error
shape, idempotent submit, and the OpenAPI schema."""

import pytest

from safeloop.hazards.models import Hazard
from safeloop.inspections.choices import Outcome, VisitState
from safeloop.inspections.models import Plan, Visit
from safeloop.inspections.selectors import visit_items
from safeloop.orgs.models import Region
from safeloop.orgs.roles import REGULATORS, Role
from tests.inspections.conftest import signature
from tests.inspections.test_views import PLANNERS
from tests.scope import ROLES, assert_hidden, assert_status


def login(api, world, role):
    return api.as_user(world.user(role) if role else world.users[None])


@pytest.mark.parametrize("role", ROLES)
def test_plans_are_scoped(api, world, plan, role):
    login(api, world, role)
    ids = [p["id"] for p in api.get("/api/v1/inspection-plans/").json()["results"]]
    assert (plan.pk in ids) == (role in PLANNERS)
    assert api.get(f"/api/v1/inspection-plans/{plan.pk}/").status_code == (
        200 if role in PLANNERS else 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_plan_follows_the_role_and_scope(api, world, role):
    login(api, world, role)
    body = {
        "title": "适时巡查",
        "kind": "patrol_timely",
        "region": world.county.pk,
        "period_start": "2026-12-01",
        "period_end": "2026-12-31",
    }
    response = api.post("/api/v1/inspection-plans/", body)
    user = world.user(role) if role else world.users[None]
    sees = Region.objects.for_user(user).filter(pk=world.county.pk).exists()
    # a region the user cannot see is no valid choice (400, as for an unknown id)
    assert response.status_code == (201 if role in PLANNERS else 403 if sees else 400)
    outside = api.post("/api/v1/inspection-plans/", {**body, "region": world.other_county.pk})
    # a region outside the user's scope is no valid choice: 400, as for an unknown id
    assert outside.status_code == (201 if role == Role.SYSTEM_ADMIN else 400)
    assert Plan.objects.filter(region=world.other_county).exists() == (role == Role.SYSTEM_ADMIN)


def test_bad_plan_input_is_a_field_error(api, world):
    login(api, world, Role.COUNTY_ADMIN)
    response = api.post(
        "/api/v1/inspection-plans/",
        {"title": "x" * 300, "kind": "nope", "period_start": "tomorrow", "period_end": 5},
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"title", "kind", "period_start", "period_end"} <= set(fields)
    reversed_ = api.post(
        "/api/v1/inspection-plans/",
        {
            "title": "倒序",
            "kind": "comprehensive",
            "region": world.county.pk,
            "period_start": "2026-12-31",
            "period_end": "2026-12-01",
        },  # fmt: skip
    )
    assert reversed_.status_code == 400 and "period_end" in reversed_.json()["error"]["fields"]
    assert not Plan.objects.exists()


def test_target_and_assign_through_the_api(api, world, plan):
    login(api, world, Role.COUNTY_ADMIN)
    assert api.post(f"/api/v1/inspection-plans/{plan.pk}/target/", {}).status_code == 200
    targets = api.get(f"/api/v1/inspection-plans/{plan.pk}/targets/").json()["results"]
    assert targets and all(t["reasons"] and t["reason_text"] for t in targets)
    shown = api.get(f"/api/v1/inspection-plans/{plan.pk}/preview/").json()
    stale = api.post(
        f"/api/v1/inspection-plans/{plan.pk}/assign/",
        {"version": 1, "fingerprint": shown["fingerprint"]},
    )
    assert stale.status_code == 409
    done = api.post(
        f"/api/v1/inspection-plans/{plan.pk}/assign/", {"fingerprint": shown["fingerprint"]}
    )
    assert done.status_code == 200
    assert Visit.objects.filter(plan=plan).exists()
    login(api, world, Role.COUNTY_INSPECTOR)  # a planner too
    again = api.post(f"/api/v1/inspection-plans/{plan.pk}/target/", {})
    assert again.status_code == 409  # no longer a draft


@pytest.mark.parametrize("role", ROLES)
def test_visits_are_scoped_and_hidden_from_the_enterprise_until_done(api, world, visit, role):
    login(api, world, role)
    response = api.get(f"/api/v1/inspection-visits/{visit.pk}/")
    assert response.status_code == (200 if role in REGULATORS else 404)


def submit_body(visit, fail=()):
    answers = []
    for _, items in visit_items(visit):
        for item in items:
            outcome = Outcome.FAIL if item.pk in fail else Outcome.PASS
            answer = {"item": item.pk, "outcome": outcome}
            if item.pk in fail:
                answer["hazard"] = {"place": "除尘间"}
            answers.append(answer)
    return {
        "answers": answers,
        "inspector_signature": signature(),
        "representative_signature": signature(),
        "representative": "王五",
    }


def test_submit_is_atomic_idempotent_and_scoped(api, world, visit):
    major = next(i for _, items in visit_items(visit) for i in items if i.criterion)
    login(api, world, Role.COUNTY_INSPECTOR)
    body = submit_body(visit, fail={major.pk})
    assert api.post(f"/api/v1/inspection-visits/{visit.pk}/submit/", body).status_code == 403
    login(api, world, Role.GRID_INSPECTOR)
    items = api.get(f"/api/v1/inspection-visits/{visit.pk}/items/").json()
    assert sum(len(c["items"]) for c in items) == len(body["answers"])
    bad = api.post(f"/api/v1/inspection-visits/{visit.pk}/submit/", {**body, "answers": "x"})
    assert bad.status_code == 400 and "answers" in bad.json()["error"]["fields"]
    first = api.post(f"/api/v1/inspection-visits/{visit.pk}/submit/", body)
    assert first.status_code == 201 and first.json()["state"] == VisitState.SUBMITTED
    second = api.post(f"/api/v1/inspection-visits/{visit.pk}/submit/", body)
    assert second.status_code == 200
    assert Hazard.objects.filter(level="major").count() == 1
    results = api.get(f"/api/v1/inspection-results/?visit={visit.pk}").json()["results"]
    assert [r["hazard"] for r in results if r["outcome"] == "fail"] == [Hazard.objects.get().pk]
    pdf = api.get(f"/api/v1/inspection-visits/{visit.pk}/record.pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    login(api, world, Role.ENTERPRISE_PRINCIPAL)  # now it is done, the enterprise sees it
    assert api.get(f"/api/v1/inspection-visits/{visit.pk}/").status_code == 200
    login(api, world, Role.CITY_ADMIN)
    assert api.get(f"/api/v1/inspection-results/?visit={visit.pk}").json()["count"] == len(results)


def test_applicable_checklists_and_criteria(api, world):
    world.inside.ammonia_refrigeration = True
    world.inside.save()
    login(api, world, Role.EXPERT)
    names = [
        c["name"]
        for c in api.get(
            f"/api/v1/inspection-checklists/applicable/?enterprise={world.inside.pk}"
        ).json()
    ]
    assert any("液氨制冷" in n for n in names)
    outside = f"/api/v1/inspection-checklists/applicable/?enterprise={world.outside.pk}"
    assert api.get(outside).status_code == 404
    criteria = api.get("/api/v1/inspection-criteria/?standard__code=GM10-2023").json()
    assert criteria["count"] == 64


def test_the_schema_names_the_endpoints(api, world):
    login(api, world, Role.SYSTEM_ADMIN)
    schema = api.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/inspection-visits/{id}/submit/" in schema["paths"]
    assert "/api/v1/inspection-plans/{id}/target/" in schema["paths"]


@pytest.mark.parametrize("role", ROLES)
def test_closing_a_plan_through_the_api(api, world, plan, role):
    """A county plan is closed by its planners; nobody else sees it (404)."""
    login(api, world, role)
    response = api.post(f"/api/v1/inspection-plans/{plan.pk}/close/", {"version": plan.version})
    if role in PLANNERS:
        assert_status(response, 200)
        assert response.json()["state"] == "closed"
        again = api.post(f"/api/v1/inspection-plans/{plan.pk}/close/", {})
        assert_status(again, 409)
        assert again.json()["error"]["code"] == "illegal_move"
    else:
        assert_hidden(response)
        assert Plan.objects.get(pk=plan.pk).state == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_closing_a_self_inspection_plan_through_the_api(api, world, role):
    """The enterprise's own plan: its staff and the planners in scope close it; the expert
    and everyone else do not see it."""
    from datetime import date

    from safeloop.inspections import services
    from safeloop.inspections.choices import PlanKind

    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    plan = services.create_plan(actor=principal, title="自查", kind=PlanKind.SELF,
                                enterprise=world.inside, period_start=date(2026, 11, 1),
                                period_end=date(2026, 11, 30))  # fmt: skip
    login(api, world, role)
    response = api.post(f"/api/v1/inspection-plans/{plan.pk}/close/", {})
    if role in PLANNERS | {Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER}:
        assert_status(response, 200)
    else:
        assert_hidden(response)


def test_a_plan_with_an_open_visit_is_not_closed_and_a_stale_one_conflicts(api, world, visit):
    login(api, world, Role.COUNTY_ADMIN)
    url = f"/api/v1/inspection-plans/{visit.plan_id}/close/"
    assert_status(api.post(url, {"version": 99}), 409)  # stale
    open_visit = api.post(url, {})
    assert_status(open_visit, 409)
    assert open_visit.json()["error"]["code"] == "illegal_move"
    cancel = f"/api/v1/inspection-visits/{visit.pk}/cancel/"
    assert_status(api.post(cancel, {"reason": ""}), 400)
    assert_status(api.post(cancel, {"reason": "企业停产", "version": visit.version}), 200)
    assert_status(api.post(url, {}), 200)
    login(api, world, Role.GRID_INSPECTOR)  # sees the visit, may not cancel it
    assert_status(api.post(cancel, {"reason": "x"}), 409)  # already cancelled: no such move

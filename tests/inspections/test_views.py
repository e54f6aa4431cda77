"""The screens: every role sees only what its scope allows; the visit form submits through
the service; the lists export to Excel; bad input is a field error, never a 500."""

from datetime import date

import pytest
from django.urls import reverse

from safeloop.hazards.models import Hazard
from safeloop.inspections import services
from safeloop.inspections.choices import Outcome, PlanKind, VisitState
from safeloop.inspections.models import Plan, Visit
from safeloop.inspections.selectors import visit_items
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.inspections.conftest import signature
from tests.scope import ROLES, assert_hidden, assert_refused, assert_status

PLANNERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


def as_(client, world, role):
    client.force_login(world.user(role) if role else world.users[None])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_plans_only_in_scope(client, world, plan, role):
    other = services.create_plan(
        actor=world.user(Role.SYSTEM_ADMIN),
        title="石嘴山计划",
        kind=PlanKind.COMPREHENSIVE,
        region=world.other_county,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
    )
    response = as_(client, world, role).get(reverse("inspection-plans"))
    assert response.status_code == 200
    body = response.content.decode()
    sees_inside = role in {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR,
                           Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}  # fmt: skip
    assert (plan.title in body) == sees_inside
    assert (other.title in body) == (role == Role.SYSTEM_ADMIN)
    detail = client.get(reverse("inspection-plan", args=[plan.pk]))
    assert detail.status_code == (200 if sees_inside else 404)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_planners_create_plans(client, world, role):
    as_(client, world, role)
    response = client.post(
        reverse("inspection-plan-new"),
        {
            "title": "专项巡查",
            "kind": PlanKind.PATROL_TIMELY,
            "region": world.county.pk,
            "period_start": "2026-12-01",
            "period_end": "2026-12-31",
        },
    )
    if role in PLANNERS:
        assert response.status_code == 302
        assert Plan.objects.filter(title="专项巡查", region=world.county).exists()
        landing = client.get(response.url)
        assert [str(m) for m in landing.context["messages"]] == ["计划已保存。"]
    else:
        assert_refused(response)
        assert not Plan.objects.exists()


def test_a_plan_outside_the_planners_area_is_a_field_error(client, world):
    as_(client, world, Role.COUNTY_ADMIN)
    response = client.post(
        reverse("inspection-plan-new"),
        {
            "title": "越界",
            "kind": PlanKind.COMPREHENSIVE,
            "region": world.other_county.pk,
            "period_start": "2026-12-31",
            "period_end": "2026-12-01",
        },
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_visit_by_role(client, world, visit, role):
    response = as_(client, world, role).get(reverse("inspection-visit", args=[visit.pk]))
    if role in REGULATORS:  # every regulator's scope covers `inside`
        assert response.status_code == 200
        form = b"visit-form" in response.content
        assert form == (role == Role.GRID_INSPECTOR)  # only the assigned inspector fills it in
    else:
        # the enterprise side does not see a visit before it is done (四不两直)
        assert_hidden(response)


def post_visit(client, visit, fail=(), **extra):
    data = {
        "inspector_signature": signature(),
        "representative_signature": signature(),
        "representative": "李四",
        "summary": "现场检查",
    }
    for _, items in visit_items(visit):
        for item in items:
            data[f"outcome_{item.pk}"] = Outcome.FAIL if item.pk in fail else Outcome.PASS
            if item.pk in fail:
                data[f"place_{item.pk}"] = "除尘间"
                data[f"description_{item.pk}"] = item.text
                data[f"category_{item.pk}"] = item.category
    data.update(extra)
    return client.post(
        reverse("inspection-visit-submit", args=[visit.pk]),
        data,
        **{"HTTP_ACCEPT": "application/json"},
    )


def test_the_assigned_inspector_submits_and_the_enterprise_then_sees_it(client, world, visit):
    major = next(i for _, items in visit_items(visit) for i in items if i.is_major and i.criterion)
    as_(client, world, Role.GRID_INSPECTOR)
    response = post_visit(client, visit, fail={major.pk})
    assert response.status_code == 200 and response.json()["ok"]
    landing = client.get(response.json()["url"])  # where the form goes next confirms it
    assert [str(m) for m in landing.context["messages"]] == ["检查结果已记录。"]
    again = post_visit(client, visit, fail={major.pk})  # the offline queue sends it again
    assert again.status_code == 200
    assert Hazard.objects.count() == 1
    visit.refresh_from_db()
    assert visit.state == VisitState.SUBMITTED
    pdf = client.get(reverse("inspection-visit-record", args=[visit.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for role in ENTERPRISE_STAFF | {Role.EXPERT}:
        as_(client, world, role)
        assert client.get(reverse("inspection-visit", args=[visit.pk])).status_code == 200
        history = client.get(reverse("inspection-history", args=[world.inside.pk]))
        assert visit.enterprise.name in history.content.decode()


def test_a_bad_submission_answers_with_fields_and_changes_nothing(client, world, visit):
    as_(client, world, Role.GRID_INSPECTOR)
    response = post_visit(
        client, visit, inspector_signature="data:image/png;base64,AAAA", representative=""
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "inspector_signature" in fields and "representative" in fields
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ASSIGNED
    html = client.post(reverse("inspection-visit-submit", args=[visit.pk]), {"outcome_x": "<b>"})
    assert html.status_code == 400 and b"visit-form" in html.content


@pytest.mark.parametrize("role", ROLES)
def test_someone_else_cannot_submit(client, world, visit, role):
    if role == Role.GRID_INSPECTOR:
        return
    as_(client, world, role)
    response = post_visit(client, visit)
    # a regulator sees the visit but is not its inspector; the enterprise side and a user
    # without a role do not see a visit before it is done
    assert_status(response, 403 if role in REGULATORS else 404)
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ASSIGNED


@pytest.mark.parametrize(
    "name",
    [
        "inspection-plans-export",
        "inspection-visits-export",
        "inspection-calendar",
        "inspection-coverage",
        "inspection-criteria",
    ],  # fmt: skip
)
def test_the_lists_render_and_export(client, world, visit, name):
    as_(client, world, Role.COUNTY_ADMIN)
    response = client.get(reverse(name))
    assert response.status_code == 200
    if name.endswith("export"):
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_coverage_counts_planned_done_and_major(client, world, visit):
    major = next(i for _, items in visit_items(visit) for i in items if i.criterion)
    as_(client, world, Role.GRID_INSPECTOR)
    post_visit(client, visit, fail={major.pk})
    as_(client, world, Role.COUNTY_ADMIN)
    response = client.get(
        reverse("inspection-coverage"), {"start": "2026-10-01", "end": "2026-12-31"}
    )
    row = response.context["rows"][0]
    assert (row["planned"], row["done"], row["found"], row["major"]) == (1, 1, 1, 1)
    assert client.get(reverse("inspection-coverage"), {"format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_coverage_is_for_regulators(client, world, role):
    response = as_(client, world, role).get(reverse("inspection-coverage"))
    assert response.status_code == (200 if role in REGULATORS else 403)


def test_the_enterprise_page_links_its_history(client, world):
    as_(client, world, Role.COUNTY_ADMIN)
    page = client.get(reverse("enterprise-detail", args=[world.inside.pk]))
    assert reverse("inspection-history", args=[world.inside.pk]).encode() in page.content


def test_plan_actions_generate_and_assign(client, world, plan):
    as_(client, world, Role.COUNTY_ADMIN)
    client.post(reverse("inspection-plan-action", args=[plan.pk, "target"]))
    plan.refresh_from_db()
    assert plan.targeted_at and plan.targets.filter(enterprise=world.inside).exists()
    preview = reverse("inspection-plan-preview", args=[plan.pk])
    shown = client.get(preview).context["preview"]
    client.post(preview, {"fingerprint": shown.fingerprint, "version": plan.version})
    assert Visit.objects.filter(plan=plan, enterprise=world.inside).exists()
    as_(client, world, Role.GRID_INSPECTOR)  # plans are not in a grid inspector's scope
    assert_hidden(client.post(preview, {"fingerprint": shown.fingerprint}))
    as_(client, world, Role.COUNTY_INSPECTOR)  # a planner, but the plan is published now
    again = client.post(reverse("inspection-plan-action", args=[plan.pk, "target"]))
    assert_status(again, 409)
    shown = client.get(preview).context["preview"]
    stale = client.post(preview, {"fingerprint": shown.fingerprint, "version": "1"})
    assert_status(stale, 409)


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(
    client, world, visit, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = next(i for _, items in visit_items(visit) for i in items)
    as_(client, world, Role.GRID_INSPECTOR)
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = post_visit(client, visit, fail={item.pk}, **{f"photos_{item.pk}": fake})
    assert response.status_code == 400
    assert f"photos_{item.pk}" in response.json()["error"]["fields"]
    assert not Hazard.objects.exists()
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ASSIGNED


def test_photos_are_served_only_within_scope(client, world, visit, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from safeloop.inspections.models import VisitPhoto

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(buffer, format="PNG")
    item = next(i for _, items in visit_items(visit) for i in items)
    as_(client, world, Role.GRID_INSPECTOR)
    photo = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    assert post_visit(client, visit, **{f"photos_{item.pk}": photo}).status_code == 200
    stored = VisitPhoto.objects.get()
    assert client.get(reverse("inspection-photo", args=[stored.pk])).status_code == 200
    as_(client, world, Role.COUNTY_ADMIN)
    assert (
        client.get(reverse("inspection-photo", args=[stored.pk]) + "?size=thumb").status_code == 200
    )
    client.force_login(world.users[None])
    assert client.get(reverse("inspection-photo", args=[stored.pk])).status_code == 404


def test_a_planner_adds_an_unannounced_visit_by_hand(client, world):
    plan = services.create_plan(
        actor=world.user(Role.COUNTY_ADMIN),
        title="四不两直暗访",
        kind=PlanKind.UNANNOUNCED,
        region=world.county,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
    )
    url = reverse("inspection-plan-add-visit", args=[plan.pk])
    inspector = world.user(Role.GRID_INSPECTOR)
    as_(client, world, Role.COUNTY_ADMIN)
    outside = client.post(
        url,
        {"enterprise": world.outside.uscc, "inspector": inspector.pk, "scheduled_on": "2026-12-05"},
    )
    assert outside.status_code == 400 and b'data-field="enterprise"' in outside.content
    early = client.post(
        url,
        {"enterprise": world.inside.uscc, "inspector": inspector.pk, "scheduled_on": "2026-11-05"},
    )
    assert early.status_code == 400 and not Visit.objects.exists()
    ok = client.post(
        url,
        {"enterprise": world.inside.uscc, "inspector": inspector.pk, "scheduled_on": "2026-12-05"},
    )
    assert ok.status_code == 302
    visit = Visit.objects.get()
    assert visit.inspector == inspector and visit.enterprise == world.inside
    as_(client, world, Role.SAFETY_MANAGER)  # not announced to the enterprise
    assert client.get(reverse("inspection-visit", args=[visit.pk])).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_plan_page_offers_close_to_whoever_may_close_it(client, world, plan, role):
    """A county plan: its planners see and use the close button; everyone else is answered
    404, as the API does (test_api)."""
    as_(client, world, role)
    page = client.get(reverse("inspection-plan", args=[plan.pk]))
    response = client.post(
        reverse("inspection-plan-action", args=[plan.pk, "close"]), {"version": plan.version}
    )
    plan.refresh_from_db()
    if role in PLANNERS:
        assert_status(page, 200)
        assert b'id="close-plan"' in page.content
        assert_status(response, 302)
        assert plan.state == "closed"
        closed = client.get(reverse("inspection-plan", args=[plan.pk]))
        assert b'id="close-plan"' not in closed.content and b'id="assign"' not in closed.content
        assert_status(client.post(reverse("inspection-plan-action", args=[plan.pk, "close"])), 409)
    else:
        assert_hidden(page)
        assert_hidden(response)
        assert plan.state == "draft"


def test_a_plan_with_open_visits_offers_no_close_and_refuses_it(client, world, visit):
    as_(client, world, Role.COUNTY_ADMIN)
    page = client.get(reverse("inspection-plan", args=[visit.plan_id]))
    assert b'id="close-blocked"' in page.content and b'id="close-plan"' not in page.content
    response = client.post(reverse("inspection-plan-action", args=[visit.plan_id, "close"]))
    assert_status(response, 409)
    assert Plan.objects.get(pk=visit.plan_id).state == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_a_planner_cancels_a_visit_on_its_page(client, world, visit, role):
    as_(client, world, role)
    page = client.get(reverse("inspection-visit", args=[visit.pk]))
    url = reverse("inspection-visit-cancel", args=[visit.pk])
    response = client.post(url, {"reason": "企业停产", "version": visit.version})
    visit.refresh_from_db()
    if role in PLANNERS:
        assert b'id="cancel-visit"' in page.content
        assert_status(response, 302)
        assert visit.state == VisitState.CANCELLED
    elif role in REGULATORS:  # sees the visit, may not cancel it
        assert b'id="cancel-visit"' not in page.content
        assert_status(response, 403)
        assert visit.state == VisitState.ASSIGNED
    else:
        assert_hidden(response)
        assert visit.state == VisitState.ASSIGNED


def test_cancelling_without_a_reason_is_a_field_error(client, world, visit):
    as_(client, world, Role.COUNTY_ADMIN)
    url = reverse("inspection-visit-cancel", args=[visit.pk])
    assert_status(client.post(url, {"reason": "", "version": visit.version}), 400)
    assert_status(client.post(url, {"reason": "改期", "version": visit.version + 1}), 409)
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ASSIGNED


def test_the_plan_list_and_the_api_read_one_filter(client, api, world, plan):
    """The screen, its export and the API answer the same rows for the same query."""
    other = services.create_plan(
        actor=world.user(Role.COUNTY_ADMIN),
        title="动态巡查",
        kind=PlanKind.PATROL_DYNAMIC,
        region=world.county,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    services.close_plan(plan=other, actor=world.user(Role.COUNTY_ADMIN))
    as_(client, world, Role.COUNTY_ADMIN)
    page = client.get(reverse("inspection-plans"), {"state": "closed"})
    assert [p.pk for p in page.context["page"]] == [other.pk]
    api.as_user(world.user(Role.COUNTY_ADMIN))
    listed = api.get("/api/v1/inspection-plans/?state=closed").json()["results"]
    assert [p["id"] for p in listed] == [other.pk]
    drafts = client.get(reverse("inspection-plans"), {"kind": PlanKind.COMPREHENSIVE})
    assert [p.pk for p in drafts.context["page"]] == [plan.pk]
    assert_status(api.get("/api/v1/inspection-plans/?state=nonsense"), 400)
    assert (
        list(client.get(reverse("inspection-plans"), {"state": "nonsense"}).context["page"]) == []
    )


def test_the_failed_items_photo_and_note_follow_into_the_hazard(
    client, world, visit, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="PNG")
    item = next(i for _, items in visit_items(visit) for i in items)
    as_(client, world, Role.GRID_INSPECTOR)
    photo = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    response = post_visit(
        client,
        visit,
        fail={item.pk},
        **{f"photos_{item.pk}": photo, f"note_{item.pk}": "除尘管道积尘约5毫米"},
    )
    assert response.status_code == 200
    hazard = Hazard.objects.get()
    assert "除尘管道积尘约5毫米" in hazard.description  # the notice prints the description
    assert [p.stage for p in hazard.photos.all()] == ["before"]
    page = client.get(reverse("hazard-detail", args=[hazard.pk])).content.decode()
    assert "暂无照片" not in page and "除尘管道积尘约5毫米" in page

"""Plans filed with the county and drills: the plan and drill tables through the services,
the filing number and the revision clock (with the day moved), drill improvements becoming
hidden danger, the role × scope matrix through the API and the screens, and the
preparedness gaps."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeloop.core.errors import IllegalMove, Invalid, NotPermitted
from safeloop.emergency import plan_services, selectors
from safeloop.emergency.choices import DrillState, PlanState
from safeloop.emergency.models import DrillImprovement, EmergencyRule
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_list_in_scope, assert_status

CITY = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
COUNTY = CITY | {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}
INSIDE_REGULATORS = COUNTY | {Role.PARK_OFFICER, Role.GRID_INSPECTOR}
STAFF = {Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER}


def test_it_walks_the_plan_table_with_numbers_and_the_clock(world, make_plan_document):
    staff, county = world.user(Role.SAFETY_MANAGER), world.user(Role.COUNTY_INSPECTOR)
    plan = plan_services.submit_plan(
        actor=staff,
        enterprise=world.inside,
        kind="comprehensive",
        title="综合应急预案",
        document=make_plan_document(),
    )
    assert plan.state == PlanState.SUBMITTED and plan.revision == 1
    with pytest.raises(NotPermitted):  # the enterprise does not file its own plan
        plan_services.file_plan(actor=staff, plan=plan, version=plan.version, opinion="好")
    with pytest.raises(Invalid) as refused:
        plan_services.return_plan(actor=county, plan=plan, version=plan.version, opinion=" ")
    assert refused.value.field == "opinion"
    plan = plan_services.return_plan(
        actor=county, plan=plan, version=plan.version, opinion="补充处置卡"
    )
    assert plan.state == PlanState.RETURNED and not plan.in_force(timezone.localdate())
    with pytest.raises(IllegalMove):
        plan_services.file_plan(actor=county, plan=plan, version=plan.version, opinion="好")
    plan = plan_services.resubmit_plan(
        actor=staff, plan=plan, version=plan.version, document=make_plan_document()
    )
    plan = plan_services.file_plan(
        actor=county, plan=plan, version=plan.version, opinion="予以备案"
    )
    today = timezone.localdate()
    assert plan.state == PlanState.FILED
    assert plan.filing_number == f"640104-{today.year}-0001"
    assert plan.revise_by.year == today.year + 3
    assert plan.in_force(plan.revise_by) and not plan.in_force(plan.revise_by + timedelta(days=1))

    with pytest.raises(Invalid) as refused:  # a revision says what changed
        plan_services.revise_plan(
            actor=staff, plan=plan, version=plan.version, document=plan.document, change_reason=""
        )
    assert refused.value.field == "change_reason"
    revised = plan_services.revise_plan(
        actor=staff,
        plan=plan,
        version=plan.version,
        document=make_plan_document(title="2027版"),
        change_reason="工艺变更",
    )
    # The last filing stays in force while the revision is reviewed.
    assert revised.state == PlanState.SUBMITTED and revised.revision == 2
    assert revised.in_force(today) and revised.filing_number == plan.filing_number
    refiled = plan_services.file_plan(
        actor=county, plan=revised, version=revised.version, opinion="修订后予以备案"
    )
    assert refiled.filing_number == f"640104-{today.year}-0002"


def test_it_refuses_a_document_not_the_enterprises_plan(world, make_plan_document):
    from safeloop.enterprises.choices import DocumentKind

    staff = world.user(Role.SAFETY_MANAGER)
    other = make_plan_document(world.sibling)
    licence = make_plan_document()
    licence.kind = DocumentKind.LICENCE if hasattr(DocumentKind, "LICENCE") else "other"
    licence.save()
    for document in (other, licence):
        with pytest.raises(Invalid) as refused:
            plan_services.submit_plan(
                actor=staff,
                enterprise=world.inside,
                kind="special",
                title="专项",
                document=document,
            )
        assert refused.value.field == "document"


def test_it_walks_the_drill_table_and_turns_improvements_into_hazards(world, make_plan):
    plan = make_plan()
    staff, county = world.user(Role.SAFETY_MANAGER), world.user(Role.COUNTY_ADMIN)
    today = timezone.localdate()
    drill = plan_services.plan_drill(
        actor=staff, plan=plan, scenario="储罐泄漏", mode="live", planned_on=today
    )
    assert drill.state == DrillState.PLANNED
    with pytest.raises(IllegalMove):
        plan_services.evaluate_drill(
            actor=staff, drill=drill, version=drill.version, evaluation="x"
        )
    with pytest.raises(Invalid) as refused:
        plan_services.hold_drill(
            actor=staff,
            drill=drill,
            version=drill.version,
            held_on=today + timedelta(days=1),
            participants=20,
        )
    assert refused.value.field == "held_on"
    with pytest.raises(NotPermitted):  # holding is the enterprise's
        plan_services.hold_drill(
            actor=county, drill=drill, version=drill.version, held_on=today, participants=20
        )
    drill = plan_services.hold_drill(
        actor=staff, drill=drill, version=drill.version, held_on=today, participants=20
    )
    assert drill.state == DrillState.HELD
    with pytest.raises(Invalid) as refused:  # improvements need a deadline
        plan_services.evaluate_drill(
            actor=county,
            drill=drill,
            version=drill.version,
            evaluation="响应及时",
            improvements=["围堰排水阀未关闭"],
        )
    assert refused.value.field == "deadline"
    drill = plan_services.evaluate_drill(
        actor=county,
        drill=drill,
        version=drill.version,
        evaluation="响应及时，个别环节生疏。",
        improvements=["围堰排水阀未关闭", "  ", "应急广播听不清"],
        deadline=today + timedelta(days=30),
    )
    assert drill.state == DrillState.EVALUATED
    improvements = list(DrillImprovement.objects.filter(drill=drill))
    assert [i.text for i in improvements] == ["围堰排水阀未关闭", "应急广播听不清"]
    hazards = Hazard.objects.filter(pk__in=[i.hazard_id for i in improvements])
    assert {h.enterprise_id for h in hazards} == {world.inside.pk}
    assert all(h.deadline == today + timedelta(days=30) for h in hazards)

    other = plan_services.plan_drill(
        actor=staff, plan=plan, scenario="停电", mode="tabletop", planned_on=today
    )
    with pytest.raises(Invalid):
        plan_services.cancel_drill(actor=county, drill=other, version=other.version, reason="")
    other = plan_services.cancel_drill(
        actor=county, drill=other, version=other.version, reason="停产"
    )
    assert other.state == DrillState.CANCELLED


def test_it_finds_gaps_by_the_rule_in_force_with_the_day_moved(world, make_plan):
    admin = world.user(Role.SYSTEM_ADMIN)
    today = timezone.localdate()
    gaps = {e.pk: e for e in selectors.preparedness_gaps(admin)}
    assert gaps[world.inside.pk].no_plan and gaps[world.sibling.pk].no_plan
    plan = make_plan(kind="onsite")
    drill = plan_services.plan_drill(
        actor=world.user(Role.SAFETY_MANAGER),
        plan=plan,
        scenario="泄漏",
        mode="live",
        planned_on=today,
    )
    plan_services.hold_drill(
        actor=world.user(Role.SAFETY_MANAGER),
        drill=drill,
        version=drill.version,
        held_on=today,
        participants=8,
    )
    assert world.inside.pk not in {e.pk for e in selectors.preparedness_gaps(admin)}
    # Seven months on, an on-site plan is overdue for a drill (six months by the rule) …
    later = today + timedelta(days=214)
    gap = {e.pk: e for e in selectors.preparedness_gaps(admin, later)}[world.inside.pk]
    assert gap.undrilled and not gap.no_plan
    # … unless a newer rule version gives it twelve months.
    rule = EmergencyRule.objects.get()
    EmergencyRule.objects.create(
        expiry_warning_days=rule.expiry_warning_days,
        confirm_within_days=rule.confirm_within_days,
        city_grades=rule.city_grades,
        onsite_drill_months=12,
        effective_from=today + timedelta(days=1),
        source="测试",
    )
    assert world.inside.pk not in {e.pk for e in selectors.preparedness_gaps(admin, later)}
    # After the revision clock runs out the plan is no longer in force.
    after = plan.revise_by + timedelta(days=1)
    assert {e.pk: e for e in selectors.preparedness_gaps(admin, after)}[world.inside.pk].no_plan


@pytest.fixture
def plans(world, make_plan):
    return make_plan(), make_plan(world.sibling), make_plan(world.outside)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_the_plans_and_drills_of_its_scope(api, world, plans, role):
    inside, sibling, far = plans
    readers = {inside: INSIDE_REGULATORS | STAFF, sibling: CITY, far: set()}
    visible = {p.pk for p, roles in readers.items() if role in roles}
    if role == Role.SYSTEM_ADMIN:
        visible.add(far.pk)
    api.as_user(world.users[role])
    response = api.get("/api/v1/emergency-plans/")
    assert_list_in_scope(response, visible, {p.pk for p in plans} - visible)
    page = api.client.get(reverse("emergency-plan-detail", args=[inside.pk]))
    assert_status(page, 200 if inside.pk in visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_a_regulator_in_scope_file_through_the_api(api, world, make_plan, role):
    plan = make_plan(filed=False)
    api.as_user(world.users[role])
    response = api.post(
        f"/api/v1/emergency-plans/{plan.pk}/file/",
        {"version": plan.version, "opinion": "予以备案"},
    )
    if role in INSIDE_REGULATORS:
        assert_status(response, 200)
        assert response.json()["state"] == "filed"
    elif role in STAFF:
        assert_status(response, 403)
    else:
        assert_status(response, 404)


def test_it_answers_bad_api_input_on_its_fields(api, world, make_plan):
    plan = make_plan(filed=False)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    response = api.post(f"/api/v1/emergency-plans/{plan.pk}/file/", {"opinion": "x"})
    assert_status(response, 400)
    assert "version" in response.json()["error"]["fields"]
    stale = api.post(
        f"/api/v1/emergency-plans/{plan.pk}/file/", {"version": plan.version - 1, "opinion": "x"}
    )
    assert_status(stale, 409)
    api.as_user(world.user(Role.SAFETY_MANAGER))
    response = api.post(
        "/api/v1/emergency-drills/",
        {"plan": plan.pk, "scenario": "x", "mode": "nonsense", "planned_on": "2026-13-01"},
    )
    assert_status(response, 400)
    assert {"mode", "planned_on"} <= set(response.json()["error"]["fields"])
    response = api.post(
        "/api/v1/emergency-drills/",
        {"plan": 999999, "scenario": "x", "mode": "live", "planned_on": "2026-12-01"},
    )
    assert_status(response, 400)
    assert "plan" in response.json()["error"]["fields"]


def test_it_submits_and_files_through_the_screens(client, world, make_plan_document):
    document = make_plan_document()
    client.force_login(world.user(Role.SAFETY_MANAGER))
    empty = client.post(reverse("emergency-plan-create"), {"title": "综合预案"})
    assert_status(empty, 400)
    assert "综合预案" in empty.content.decode()  # what was typed is kept
    response = client.post(
        reverse("emergency-plan-create"),
        {
            "enterprise": world.inside.pk,
            "kind": "comprehensive",
            "title": "综合预案",
            "document": document.pk,
        },
    )
    assert_status(response, 302)
    plan = world.inside.emergency_plans.get()
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    page = client.get(reverse("emergency-plan-detail", args=[plan.pk]))
    assert 'id="review-form"' in page.content.decode()
    response = client.post(
        reverse("emergency-plan-review", args=[plan.pk]),
        {"version": plan.version, "decision": "file", "opinion": "予以备案"},
    )
    assert_status(response, 302)
    plan.refresh_from_db()
    assert plan.state == PlanState.FILED
    listing = client.get(reverse("emergency-plan-list")).content.decode()
    assert plan.filing_number in listing
    gaps = client.get(reverse("emergency-gaps")).content.decode()
    assert world.inside.name in gaps  # filed but never drilled


def test_it_holds_a_drill_with_photos_through_the_screen(client, world, make_plan):
    import io

    from PIL import Image

    plan = make_plan()
    drill = plan_services.plan_drill(
        actor=world.user(Role.SAFETY_MANAGER),
        plan=plan,
        scenario="火灾疏散",
        mode="live",
        planned_on=date.today(),
    )
    client.force_login(world.user(Role.SAFETY_MANAGER))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "drill.jpg"
    bad = client.post(
        reverse("emergency-drill-move", args=[drill.pk, "hold"]),
        {"version": drill.version, "held_on": "", "participants": "abc"},
    )
    assert_status(bad, 400)
    response = client.post(
        reverse("emergency-drill-move", args=[drill.pk, "hold"]),
        {
            "version": drill.version,
            "held_on": timezone.localdate().isoformat(),
            "participants": 30,
            "photos": buffer,
        },
    )
    assert_status(response, 302)
    drill.refresh_from_db()
    assert drill.state == DrillState.HELD and drill.photos.count() == 1
    photo = drill.photos.get()
    served = client.get(reverse("emergency-drill-photo", args=[drill.pk, photo.pk]))
    assert_status(served, 200)
    client.force_login(world.user(Role.EXPERT))
    hidden = client.get(reverse("emergency-drill-photo", args=[drill.pk, photo.pk]))
    assert_status(hidden, 404)

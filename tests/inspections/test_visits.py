"""Doing a visit: failed items become hidden dangers through the hazards services, all or
nothing, and a resubmission never duplicates anything."""

import pytest

from safeloop.core.errors import IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.hazards.choices import Level
from safeloop.hazards.models import Hazard
from safeloop.inspections import services
from safeloop.inspections.choices import Outcome, VisitState
from safeloop.inspections.models import VisitResult
from safeloop.inspections.selectors import visit_items
from safeloop.orgs.roles import Role
from tests.inspections.conftest import signature


def answers(visit, fail=(), **hazard):
    rows = []
    for _, items in visit_items(visit):
        for item in items:
            outcome = Outcome.FAIL if item.pk in fail else Outcome.PASS
            row = {"item": item.pk, "outcome": outcome, "note": ""}
            if outcome == Outcome.FAIL:
                row["hazard"] = {"place": "除尘间", **hazard}
            rows.append(row)
    return rows


def dust_item(visit, number=3):
    for _, items in visit_items(visit):
        for item in items:
            if (
                item.criterion
                and item.criterion.article == "第十一条"
                and item.criterion.item == number
            ):
                return item
    raise AssertionError("no dust criterion item")


def general_item(visit):
    for _, items in visit_items(visit):
        for item in items:
            if not item.is_major:
                return item
    raise AssertionError("no general item")


def submit(visit, user, rows, **kw):
    return services.submit_visit(
        visit=visit,
        actor=user,
        answers=rows,
        inspector_signature=signature(),
        representative_signature=signature(),
        representative="张三",
        **kw,
    )


def test_it_offers_the_dust_criteria_to_an_enterprise_with_combustible_dust(world, visit):
    names = [checklist.name for checklist, _ in visit_items(visit)]
    assert any("粉尘爆炸" in n for n in names)
    assert not any("液氨制冷" in n for n in names)
    assert any("通用" in n for n in names)


def test_it_turns_a_failed_criterion_item_into_a_major_hidden_danger(world, visit):
    inspector = world.user(Role.GRID_INSPECTOR)
    item = dust_item(visit)
    visit, created = submit(visit, inspector, answers(visit, fail={item.pk}))
    assert created and visit.state == VisitState.SUBMITTED
    hazard = Hazard.objects.get()
    assert hazard.level == Level.MAJOR
    assert hazard.enterprise == world.inside
    assert hazard.criterion == "应急管理部令第10号 第十一条(三)"
    assert hazard.category == item.category
    assert hazard.found_by_regulator and hazard.deadline
    result = VisitResult.objects.get(visit=visit, outcome=Outcome.FAIL)
    assert result.hazard == hazard and result.criterion == item.criterion
    assert bytes(visit.record_pdf).startswith(b"%PDF")


def test_it_registers_a_general_item_as_a_general_hidden_danger(world, visit):
    item = general_item(visit)
    submit(visit, world.user(Role.GRID_INSPECTOR), answers(visit, fail={item.pk}))
    assert Hazard.objects.get().level == Level.GENERAL


def test_a_failure_anywhere_creates_nothing(world, visit):
    inspector = world.user(Role.GRID_INSPECTOR)
    first, second = dust_item(visit, 1), dust_item(visit, 2)
    rows = answers(visit, fail={first.pk, second.pk})
    # the second finding carries a deadline in the past: the hazards service refuses it
    rows[[r["item"] for r in rows].index(second.pk)]["hazard"]["deadline"] = "2000-01-01"
    with pytest.raises(Invalid) as caught:
        submit(visit, inspector, rows)
    assert f"deadline_{second.pk}" in caught.value.fields()
    visit.refresh_from_db()
    assert visit.state == VisitState.ASSIGNED
    assert not Hazard.objects.exists()
    assert not VisitResult.objects.exists()


def test_a_missing_signature_or_answer_changes_nothing(world, visit):
    inspector = world.user(Role.GRID_INSPECTOR)
    rows = answers(visit)[1:]
    with pytest.raises(Invalid) as caught:
        services.submit_visit(
            visit=visit,
            actor=inspector,
            answers=rows,
            inspector_signature="data:image/png;base64,!!!",
            representative_signature="<script>",
            representative="",
        )
    fields = caught.value.fields()
    assert {"inspector_signature", "representative_signature", "representative"} <= set(fields)
    assert any(f.startswith("outcome_") for f in fields)
    assert not VisitResult.objects.exists()


def test_a_resubmission_after_going_offline_creates_no_duplicates(world, visit):
    inspector = world.user(Role.GRID_INSPECTOR)
    item = dust_item(visit)
    rows = answers(visit, fail={item.pk})
    first, created = submit(visit, inspector, rows)
    again, created_again = submit(visit, inspector, rows)
    assert created and not created_again and again.pk == first.pk
    assert Hazard.objects.count() == 1
    assert VisitResult.objects.filter(visit=visit).count() == len(rows)


def test_only_the_assigned_inspector_submits(world, visit):
    with pytest.raises(NotPermitted):  # sees the visit, is not its inspector: 403
        submit(visit, world.user(Role.COUNTY_INSPECTOR), answers(visit))
    with pytest.raises(NotFound):  # not announced to the enterprise: 404
        submit(visit, world.user(Role.ENTERPRISE_PRINCIPAL), answers(visit))


def test_an_adviser_is_never_assigned(world, plan):
    from datetime import date

    from safeloop.orgs.models import RoleAssignment

    inspector = world.user(Role.GRID_INSPECTOR)
    RoleAssignment.objects.create(user=inspector, role=Role.EXPERT, enterprise=world.inside)
    with pytest.raises(Invalid) as caught:
        services.add_visit(
            plan=plan,
            actor=world.user(Role.COUNTY_ADMIN),
            enterprise=world.inside,
            inspector=inspector,
            scheduled_on=date(2026, 11, 2),
        )
    assert set(caught.value.fields()) == {"inspector"}


def test_an_enterprise_runs_its_own_self_inspection_plan(world):
    from datetime import date

    from safeloop.inspections.choices import PlanKind, Reason

    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    plan = services.create_plan(
        actor=principal,
        title="本企业月度自查",
        kind=PlanKind.SELF,
        enterprise=world.inside,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    assert list(plan.targets.values_list("reasons", flat=True)) == [[Reason.MANUAL]]
    created, _ = services.assign(plan=plan, actor=principal)
    visit = plan.visits.get()
    assert created == 1 and visit.inspector == principal
    item = general_item(visit)
    visit, _ = submit(visit, principal, answers(visit, fail={item.pk}))
    hazard = Hazard.objects.get()
    assert hazard.source == "1" and not hazard.found_by_regulator


def test_an_enterprise_cannot_plan_for_the_regulator(world):
    from datetime import date

    from safeloop.inspections.choices import PlanKind

    with pytest.raises(NotPermitted):
        services.create_plan(
            actor=world.user(Role.SAFETY_MANAGER),
            title="越权",
            kind=PlanKind.COMPREHENSIVE,
            region=world.county,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
        )


def test_a_planner_cancels_an_assigned_visit_with_a_reason(world, visit):
    with pytest.raises(Invalid):
        services.cancel_visit(visit=visit, actor=world.user(Role.COUNTY_ADMIN), reason=" ")
    with pytest.raises(NotPermitted):
        services.cancel_visit(visit=visit, actor=world.user(Role.GRID_INSPECTOR), reason="重复")
    cancelled = services.cancel_visit(
        visit=visit, actor=world.user(Role.COUNTY_ADMIN), reason="企业停产"
    )
    assert cancelled.state == VisitState.CANCELLED
    with pytest.raises(IllegalMove):  # no longer assigned
        services.cancel_visit(visit=visit, actor=world.user(Role.COUNTY_ADMIN), reason="再次")

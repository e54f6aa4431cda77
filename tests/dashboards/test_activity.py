"""The dashboards' figures from the other loops (inspection coverage, self-check completion,
key units, open warnings; the enterprise's tasks due) equal counts of the raw rows in each
role's scope, and each number opens the list that shows it."""

import re

import pytest
from django.db.models import Q
from django.utils import timezone

from safeloop.alerts import keyunits
from safeloop.alerts.choices import OPEN_WARNING_STATES, KeyReason, RuleCode, WarningState
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.alerts.selectors import key_units
from safeloop.dashboards import activity
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, Level
from safeloop.hazards.models import Hazard
from safeloop.inspections import services as inspections
from safeloop.inspections.choices import Outcome, PlanKind, VisitState
from safeloop.inspections.models import ChecklistItem, Visit, VisitResult
from safeloop.orgs.roles import Role
from safeloop.risks import services as risks
from safeloop.risks.demo import ensure_reference_data
from safeloop.selfchecks import generation
from safeloop.selfchecks.choices import RunKind, TaskState
from safeloop.selfchecks.models import SelfCheckTask
from safeloop.selfchecks.rules_data import ensure_rules

REGULATORS = [r for r in Role if r not in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER)]
# Which of the world's enterprises each regulator sees.
SEES = {
    Role.SYSTEM_ADMIN: ("inside", "sibling", "outside"),
    Role.CITY_ADMIN: ("inside", "sibling"),
    Role.CITY_INSPECTOR: ("inside", "sibling"),
}


# rows whose link opens a regulators' report (coverage, completion)
NOT_FOR_EXPERTS = {
    key: ("inspections",) for key in ("planned", "done", "share_done", "found", "major")
} | {"rate": ("selfchecks",)}
# the accident statistics are the regulators' too (an expert sees the figures only)
NOT_FOR_EXPERTS |= {
    key: (*NOT_FOR_EXPERTS.get(key, ()), "accidents")
    for key in ("count", "deaths", "injuries", "direct_loss")
}


def _seen(world, role):
    return [getattr(world, name) for name in SEES.get(role, ("inside",))]


@pytest.fixture
def loops(world, three):
    """Visits this quarter, self-check tasks due this month in every state, warnings open and
    closed, at the three enterprises (the `three` fixture's overdue hazard makes `inside` a
    key unit)."""
    today = timezone.localdate()
    admin = world.user(Role.SYSTEM_ADMIN)
    start, end = activity.quarter(today)
    visits = {}
    for name, region in [
        ("inside", world.county),
        ("sibling", world.sibling_county),
        ("outside", world.other_county),
    ]:
        plan = inspections.create_plan(
            actor=admin,
            title=f"{region.name}季度督查",
            kind=PlanKind.COMPREHENSIVE,
            region=region,
            period_start=start,
            period_end=end,
        )
        enterprise = getattr(world, name)
        visits[name] = inspections.add_visit(
            plan=plan, actor=admin, enterprise=enterprise, inspector=admin, scheduled_on=today
        )
        if name == "inside":
            cancelled = inspections.add_visit(
                plan=plan, actor=admin, enterprise=enterprise, inspector=admin, scheduled_on=today
            )
            Visit.objects.filter(pk=cancelled.pk).update(state=VisitState.CANCELLED)
    # The inside visit was done and found the inside hazard.
    Visit.objects.filter(pk=visits["inside"].pk).update(state=VisitState.SUBMITTED)
    VisitResult.objects.create(
        visit=visits["inside"],
        checklist_item=ChecklistItem.objects.first(),
        item_text="防护罩",
        outcome=Outcome.FAIL,
        hazard=Hazard.objects.get(enterprise=world.inside),
    )
    # Self-check tasks: one monthly measure per state at inside, one task elsewhere.
    ensure_reference_data()
    ensure_rules()
    states = {
        "inside": [TaskState.DONE, TaskState.PENDING, TaskState.MISSED],
        "sibling": [TaskState.MISSED],
        "outside": [TaskState.DONE],
    }
    measures = []
    for name, wanted in states.items():
        for i, state in enumerate(wanted):
            point = risks.create_risk_point(
                actor=admin,
                enterprise=getattr(world, name),
                name=f"{name}点{i}",
                kind="equipment",
                location="一号车间",
            )
            measure = risks.create_measure(
                actor=admin,
                point=point,
                kind="management",
                description="检查防护装置",
                control_level="team",
                responsible="张班长",
                inspection_frequency="monthly",
            )
            measures.append((measure, state))
    generation.run_now(RunKind.GENERATE, today)
    for measure, state in measures:
        # time passes: each task falls due today and is decided as the test needs
        SelfCheckTask.objects.filter(measure=measure).update(due_date=today, state=state)
    # Warnings: one open per enterprise, one closed at inside.
    rule = WarningRule.objects.order_by("pk").first()
    for name in ("inside", "sibling", "outside"):
        enterprise = getattr(world, name)
        for state in (
            (WarningState.OPEN, WarningState.CLOSED) if name == "inside" else [WarningState.OPEN]
        ):
            EarlyWarning.objects.create(
                rule=rule,
                subject_kind="enterprise",
                subject_id=enterprise.pk,
                subject_label=enterprise.name,
                period=f"{name}-{state}",
                region_code=enterprise.region_code,
                enterprise=enterprise,
                park=enterprise.park,
                grid=enterprise.grid,
                state=state,
                reason="测试",
            )
    keyunits.refresh(today)  # what the worker does after the commits
    return today


def _column(table) -> dict:
    return {r.key: r.cells[0].value for r in table.rows}


def _tables(client, query=""):
    from safeloop.dashboards import selectors

    page = client.get(f"/dashboards/?{query}")
    assert page.status_code == 200
    assert 'hx-get="/dashboards/activity/' in page.content.decode()
    response = client.get(f"/dashboards/activity/?{query}")
    assert response.status_code == 200
    return {t.name: t for t in response.context["tables"]}, response, selectors


@pytest.mark.parametrize("role", REGULATORS)
def test_it_counts_the_raw_rows_in_scope(world, client, loops, role):
    today = loops
    seen = _seen(world, role)
    client.force_login(world.users[role])
    tables, _, _ = _tables(client)

    start, end = activity.quarter(today)
    visits = Visit.objects.filter(enterprise__in=seen, scheduled_on__range=(start, end)).exclude(
        state=VisitState.CANCELLED
    )
    if role == Role.EXPERT:  # the enterprise side sees submitted visits only
        visits = visits.filter(state=VisitState.SUBMITTED)
    found = VisitResult.objects.filter(visit__in=visits, hazard__isnull=False)
    assert _column(tables["inspections"]) == {
        "planned": visits.count(),
        "done": visits.filter(state=VisitState.SUBMITTED).count(),
        "share_done": round(
            100 * visits.filter(state=VisitState.SUBMITTED).count() / visits.count(), 1
        ),
        "found": found.count(),
        "major": found.filter(hazard__level=Level.MAJOR).count(),
    }

    tasks = SelfCheckTask.objects.filter(
        enterprise__in=seen, due_date__range=activity.month_so_far(today)
    )
    done = tasks.filter(state=TaskState.DONE).count()
    missed = tasks.filter(state=TaskState.MISSED).count()
    assert _column(tables["selfchecks"]) == {
        "total": tasks.count(),
        "done": done,
        "missed": missed,
        "pending": tasks.filter(state=TaskState.PENDING).count(),
        "rate": round(100 * done / (done + missed), 1),
    }

    open_hazards = Hazard.objects.filter(enterprise__in=seen, state__in=OPEN_STATES)
    units = _column(tables["key_units"])
    overdue = open_hazards.filter(deadline__lt=today).values("enterprise").distinct().count()
    major = open_hazards.filter(level=Level.MAJOR).values("enterprise").distinct().count()
    assert units["overdue"] == overdue == 1 and units["major_open"] == major
    assert units["total"] == 1  # only inside has a reason
    listed = Enterprise.objects.filter(pk__in=[e.pk for e in seen])
    for code in KeyReason.values:  # the key units list says the same, reason by reason
        assert units[code] == key_units(listed, reasons=[code]).count(), code

    warnings = EarlyWarning.objects.filter(enterprise__in=seen, state__in=OPEN_WARNING_STATES)
    assert _column(tables["warnings"])["total"] == warnings.count() == len(seen)

    # every link opens for this role (the expert gets no link to the regulators' reports)
    for table in tables.values():
        for row in table.rows:
            url = row.cells[0].url
            assert bool(url) == (
                role != Role.EXPERT or table.name not in NOT_FOR_EXPERTS.get(row.key, ())
            )
            if url:
                assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("area", ["", "region=640104", "park"])
def test_each_number_opens_the_list_that_shows_it(world, client, loops, area):
    client.force_login(world.user(Role.CITY_ADMIN))
    query = f"park={world.park.pk}" if area == "park" else area
    tables, _, _ = _tables(client, query)
    followed = 0
    for name in ("selfchecks", "key_units", "warnings"):
        for row in tables[name].rows:
            cell = row.cells[0]
            listing = client.get(cell.url)
            assert listing.status_code == 200, cell.url
            if row.key == "rate":
                assert "/selfchecks/completion/" in cell.url
                continue
            total = re.search(r'class="total">\D*(\d+)', listing.content.decode())
            assert total and int(total.group(1)) == cell.value, cell.url
            followed += 1
    # self-checks: 4 rows; key units: total + each reason; warnings: total + each rule
    assert followed == 4 + (1 + len(KeyReason)) + (1 + len(RuleCode))
    start, end = activity.quarter(loops)
    for row in tables["inspections"].rows:
        url = row.cells[0].url
        assert url == f"/inspections/coverage/?start={start}&end={end}"
        assert client.get(url).status_code == 200


def test_the_county_figures_leave_out_the_sibling(world, client, loops):
    client.force_login(world.user(Role.CITY_ADMIN))
    city, _, _ = _tables(client)
    county, _, _ = _tables(client, "region=640105")
    assert _column(city["selfchecks"])["missed"] == 2
    assert _column(county["selfchecks"])["missed"] == 1
    assert _column(county["inspections"])["planned"] == 1
    assert _column(county["warnings"])["total"] == 1


@pytest.mark.parametrize("role", [Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER])
def test_the_enterprise_sees_its_tasks_due(world, client, loops, role):
    client.force_login(world.users[role])
    response = client.get("/dashboards/")
    tasks = next(t for t in response.context["tables"] if t.name == "tasks")
    # "my tasks": those assigned to the user and the enterprise's unassigned ones
    user = world.users[role]
    mine = SelfCheckTask.objects.filter(enterprise=world.inside, state=TaskState.PENDING).filter(
        Q(assignee=user) | Q(assignee__isnull=True)
    )
    assert mine.count() == (0 if role == Role.ENTERPRISE_PRINCIPAL else 1)
    assert _column(tasks) == {"today": mine.count(), "week": mine.count(), "missed": 1}
    html = response.content.decode()
    assert 'href="/selfchecks/"' in html and 'href="/selfchecks/?span=week"' in html
    missed = client.get(tasks.rows[2].cells[0].url).content.decode()
    assert re.search(r'class="total">\D*1\b', missed)
    # no inspection visit is announced to the enterprise side
    assert "/inspections/visits/" not in html
    export = client.get("/dashboards/export/tasks.xlsx")
    assert export.status_code == 200


@pytest.mark.parametrize("role", REGULATORS)
def test_it_exports_the_new_figures(world, client, loops, role):
    client.force_login(world.users[role])
    for name in ("inspections", "selfchecks", "key_units", "warnings"):
        assert client.get(f"/dashboards/export/{name}.xlsx").status_code == 200, name


@pytest.mark.parametrize("role", REGULATORS)
def test_the_years_accidents_equal_the_standing_rows_in_scope(world, client, role):
    """The accidents panel: count, deaths (with missing), injured and direct loss of the
    year's standing accidents at the enterprises the role sees, each linking to the
    statistics page for the regulators."""
    from datetime import timedelta
    from decimal import Decimal

    from safeloop.accidents import services as accidents
    from safeloop.accidents.choices import AccidentState
    from safeloop.accidents.models import Accident

    admin = world.user(Role.SYSTEM_ADMIN)
    now = timezone.now() - timedelta(hours=2)
    for name, deaths, injured, loss in [
        ("inside", 1, 0, "250000"),
        ("sibling", 0, 2, "1200.50"),
        ("outside", 0, 1, "800"),
    ]:
        accidents.record(
            actor=admin,
            enterprise=getattr(world, name),
            occurred_at=now,
            place="一号车间",
            summary="机械伤害",
            deaths=deaths,
            serious_injuries=injured,
            direct_loss=Decimal(loss),
        )
    seen = _seen(world, role)
    standing = Accident.objects.filter(enterprise__in=seen).exclude(state=AccidentState.VOIDED)
    client.force_login(world.users[role])
    tables, response, _ = _tables(client)
    figures = _column(tables["accidents"])
    assert figures["count"] == standing.count()
    assert figures["deaths"] == sum(a.deaths + a.missing for a in standing)
    assert figures["injuries"] == sum(a.serious_injuries + a.minor_injuries for a in standing)
    assert Decimal(str(figures["direct_loss"])) == sum(a.direct_loss for a in standing)
    linked = "/accidents/statistics/?year=" in response.content.decode()
    assert linked == (role != Role.EXPERT)

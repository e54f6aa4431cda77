"""Dispatching a plan's visits: a preview first, shares level across the plan's inspectors,
statutory working days only, sector and risk filters, and a dispatch that creates exactly
what was shown (409 when the proposal has changed since)."""

from collections import Counter
from datetime import date

import chinese_calendar
import pytest
from django.urls import reverse

from safeloop.core.calendar import REST, WORK, marks_in, working_days_in
from safeloop.core.errors import Conflict, Invalid
from safeloop.core.models import CalendarOverride
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import assignment, services
from safeloop.inspections.choices import PlanKind, PlanState, Reason
from safeloop.inspections.models import PlanTarget, Visit
from safeloop.orgs.roles import Role
from tests.conftest import make_user, valid_uscc
from tests.scope import ROLES, assert_hidden, assert_status

# 2026's National Day: 1–7 October off (the 1st–2nd and 5th–7th are weekdays), 25 September
# off, and Sunday 20 September and Saturday 10 October worked in exchange (调休).
START, END = date(2026, 9, 28), date(2026, 10, 16)
TODAY = date(2026, 9, 1)
PLANNERS_SEEING = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR,
                   Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}  # fmt: skip


def make_plan(world, start=START, end=END):
    return services.create_plan(
        actor=world.user(Role.COUNTY_ADMIN),
        title="国庆前后专项巡查",
        kind=PlanKind.PATROL_TIMELY,
        region=world.county,
        period_start=start,
        period_end=end,
    )


def chosen(plan, enterprise, level="", visits=1):
    return PlanTarget.objects.create(
        plan=plan,
        enterprise=enterprise,
        region_code=enterprise.region_code,
        risk_level=level,
        reasons=[Reason.MANUAL],
        reason_text="测试",
        visits_planned=visits,
    )


def enterprises(world, count, first=100, sector=""):
    made = [
        Enterprise.objects.create(
            name=f"企业{n}", uscc=valid_uscc("640104", n), region=world.county
        )
        for n in range(first, first + count)
    ]
    if sector:  # the ledger derives the sector from the industry code; set it directly
        Enterprise.objects.filter(pk__in=[e.pk for e in made]).update(sector=sector)
    return made


@pytest.fixture
def inspectors(world):
    """The county's inspector and two more: three who may inspect any enterprise of it."""
    return [
        world.user(Role.COUNTY_INSPECTOR),
        make_user("county2", Role.COUNTY_INSPECTOR, region=world.county),
        make_user("county3", Role.COUNTY_INSPECTOR, region=world.county),
    ]


# ---------------------------------------------------------------- the calendar
def test_working_days_follow_the_statutory_calendar_and_its_overrides(db):
    days = working_days_in(date(2026, 9, 19), date(2026, 10, 11))
    assert date(2026, 9, 20) in days and date(2026, 10, 10) in days  # 调休 weekend days
    assert date(2026, 9, 25) not in days and date(2026, 10, 5) not in days  # holidays
    assert date(2026, 9, 19) not in days and date(2026, 10, 11) not in days  # weekend
    span = (
        date.fromordinal(n)
        for n in range(date(2026, 9, 19).toordinal(), date(2026, 10, 12).toordinal())
    )
    assert days == [d for d in span if chinese_calendar.is_workday(d)]
    CalendarOverride.objects.create(day=date(2026, 10, 9), is_workday=False, note="停电")
    assert date(2026, 10, 9) not in working_days_in(date(2026, 10, 9), date(2026, 10, 9))
    marks = marks_in(date(2026, 9, 19), date(2026, 10, 11))
    assert marks[date(2026, 9, 20)] == WORK and marks[date(2026, 10, 10)] == WORK
    assert marks[date(2026, 10, 1)] == REST and marks[date(2026, 10, 9)] == REST
    assert date(2026, 10, 4) not in marks  # an ordinary Sunday (inside the holiday) is no mark
    assert date(2026, 9, 29) not in marks  # an ordinary Tuesday


# ---------------------------------------------------------------- the proposal
def test_the_proposal_levels_the_inspectors_shares_on_working_days_only(world, inspectors):
    plan = make_plan(world)
    for e in enterprises(world, 22):
        chosen(plan, e)
    proposal, unassigned = assignment.propose(plan, today=TODAY)
    assert unassigned == 0 and len(proposal) == 22
    shares = Counter(p.inspector_id for p in proposal)
    assert set(shares) == {u.pk for u in inspectors}
    assert max(shares.values()) - min(shares.values()) <= 1
    days = {p.day for p in proposal}
    assert all(START <= d <= END and chinese_calendar.is_workday(d) for d in days)
    assert date(2026, 10, 10) in days  # the make-up Saturday is a working day
    assert not days & {date(2026, 10, 1), date(2026, 10, 3), date(2026, 10, 4)}
    # each inspector's visits are spread: at most one a day while days remain
    per_day = Counter((p.inspector_id, p.day) for p in proposal)
    assert max(per_day.values()) == 1
    # the same input gives the same proposal, and so the same fingerprint
    again, _ = assignment.propose(plan, today=TODAY)
    assert assignment.fingerprint(plan, again) == assignment.fingerprint(plan, proposal)


def test_repeat_visits_go_into_successive_parts_of_the_period(world, inspectors):
    plan = make_plan(world, date(2026, 11, 2), date(2026, 12, 31))
    red = enterprises(world, 1)[0]
    chosen(plan, red, "red", visits=2)
    proposal, _ = assignment.propose(plan, today=TODAY)
    first, second = sorted(p.day for p in proposal)
    middle = working_days_in(plan.period_start, plan.period_end)
    middle = middle[len(middle) // 2]
    assert first < middle <= second


def test_an_adviser_and_an_inspector_of_another_county_get_none(world, inspectors):
    plan = make_plan(world)
    own = enterprises(world, 6)
    for e in own:
        chosen(plan, e)
    from safeloop.orgs.models import RoleAssignment

    RoleAssignment.objects.create(user=inspectors[1], role=Role.EXPERT, enterprise=own[0])
    make_user("sibling_inspector", Role.COUNTY_INSPECTOR, region=world.sibling_county)
    proposal, _ = assignment.propose(plan, today=TODAY)
    assert (own[0].pk, inspectors[1].pk) not in {
        (p.enterprise_id, p.inspector_id) for p in proposal
    }
    assert {p.inspector_id for p in proposal} <= {u.pk for u in inspectors}


def test_the_filters_narrow_the_targets(world, inspectors):
    plan = make_plan(world)
    dust = enterprises(world, 3, first=100, sector="metallurgy")
    other = enterprises(world, 2, first=200, sector="machinery")
    for e in dust:
        chosen(plan, e, "red")
    chosen(plan, other[0], "blue")
    chosen(plan, other[1], "")
    by = lambda **f: {  # noqa: E731
        p.enterprise_id
        for p in services.preview_assignment(
            actor=world.user(Role.COUNTY_ADMIN), plan=plan, today=TODAY, **f
        ).proposal
    }
    assert by(sector="metallurgy") == {e.pk for e in dust}
    assert by(risk_level="blue") == {other[0].pk}
    assert by(risk_level="none") == {other[1].pk}
    assert by(sector="machinery", risk_level="red") == set()
    assert by() == {e.pk for e in dust + other}
    with pytest.raises(Invalid) as error:
        services.preview_assignment(
            actor=world.user(Role.COUNTY_ADMIN), plan=plan, sector="mining", risk_level="grey"
        )
    assert set(error.value.fields()) == {"sector", "risk_level"}


def test_the_dispatch_creates_what_was_shown_or_answers_409(world, inspectors):
    admin = world.user(Role.COUNTY_ADMIN)
    plan = make_plan(world)
    batch = enterprises(world, 5)
    for e in batch:
        chosen(plan, e)
    shown = services.preview_assignment(actor=admin, plan=plan, today=TODAY)
    assert not Visit.objects.exists()  # the preview writes nothing
    make_user("county4", Role.COUNTY_INSPECTOR, region=world.county)  # the shares change
    with pytest.raises(Conflict):
        services.assign(plan=plan, actor=admin, fingerprint=shown.fingerprint, today=TODAY)
    assert not Visit.objects.exists()
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    shown = services.preview_assignment(actor=admin, plan=plan, today=TODAY)
    created, unassigned = services.assign(
        plan=plan, actor=admin, fingerprint=shown.fingerprint, today=TODAY
    )
    assert (created, unassigned) == (5, 0)
    made = set(
        Visit.objects.filter(plan=plan).values_list("enterprise", "inspector", "scheduled_on")
    )
    assert made == {(p.enterprise_id, p.inspector_id, p.day) for p in shown.proposal}
    from safeloop.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action="inspections.plan.visits").get()
    assert entry.actor == admin and entry.changes["visits"] == [None, 5]


# ---------------------------------------------------------------- the page
@pytest.mark.parametrize("role", ROLES)
def test_the_preview_page_is_for_the_plans_planners(client, world, role):
    plan = make_plan(world)
    chosen(plan, world.inside)
    client.force_login(world.user(role) if role else world.users[None])
    url = reverse("inspection-plan-preview", args=[plan.pk])
    if role in PLANNERS_SEEING:
        page = client.get(url)
        assert_status(page, 200)
        assert b'id="dispatch"' in page.content
    else:
        assert_hidden(client.get(url))
        assert_hidden(client.post(url, {"fingerprint": "x"}))
        assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_self_inspection_plan_is_not_previewed(client, world, role):
    plan = services.create_plan(
        actor=world.user(Role.ENTERPRISE_PRINCIPAL),
        title="本企业自查",
        kind=PlanKind.SELF,
        enterprise=world.inside,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    client.force_login(world.user(role) if role else world.users[None])
    response = client.get(reverse("inspection-plan-preview", args=[plan.pk]))
    # who sees a plan may also dispatch it (no role sees a plan it may not change), so the
    # answers are 404 or the 409 of a plan kind that has no preview
    if role in {Role.EXPERT, Role.PARK_OFFICER, Role.GRID_INSPECTOR, None}:
        assert_hidden(response)
    else:  # its planners and its staff
        assert_status(response, 409)


def test_the_page_previews_filters_and_dispatches(client, world, inspectors):
    plan = make_plan(world)
    batch = enterprises(world, 4, sector="metallurgy")
    for e in batch:
        chosen(plan, e, "red")
    chosen(plan, world.inside)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    detail = client.get(reverse("inspection-plan", args=[plan.pk]))
    assert reverse("inspection-plan-preview", args=[plan.pk]).encode() in detail.content
    url = reverse("inspection-plan-preview", args=[plan.pk])
    page = client.get(url, {"sector": "metallurgy"})
    assert_status(page, 200)
    body = page.content.decode()
    assert "企业100" in body and world.inside.name not in body
    assert 'data-inspector="' in body and "周" in body  # grouped by inspector, with weekdays
    preview = page.context["preview"]
    assert len(preview.proposal) == 4
    bad = client.get(url, {"sector": "mining"})
    assert_status(bad, 400)
    assert b'data-field="sector"' in bad.content and bad.context["preview"] is None
    done = client.post(
        url,
        {
            "sector": "metallurgy",
            "fingerprint": preview.fingerprint,
            "version": plan.version,
        },
    )
    assert_status(done, 302)
    assert set(Visit.objects.values_list("enterprise", flat=True)) == {e.pk for e in batch}
    landing = client.get(done.url)
    assert [str(m) for m in landing.context["messages"]] == ["已派发4项检查任务。"]


def test_a_stale_preview_is_refused_on_the_page(client, world, inspectors):
    plan = make_plan(world)
    for e in enterprises(world, 3):
        chosen(plan, e)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    url = reverse("inspection-plan-preview", args=[plan.pk])
    shown = client.get(url).context["preview"]
    chosen(plan, world.inside)  # another target since
    stale = client.post(url, {"fingerprint": shown.fingerprint, "version": plan.version})
    assert_status(stale, 409)
    assert not Visit.objects.exists()
    assert len(stale.context["preview"].proposal) == 4  # the new proposal is shown
    assert b'id="dispatch-errors"' in stale.content
    # the one-click action no longer dispatches: it leads to the preview
    old = client.post(reverse("inspection-plan-action", args=[plan.pk, "assign"]))
    assert_status(old, 302)
    assert old.url == url and not Visit.objects.exists()


def test_the_calendar_shows_weekdays_and_statutory_marks(client, world):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get(reverse("inspection-calendar"), {"month": "2026-10"})
    body = page.content.decode()
    assert "周一" in body and "周日" in body
    assert 'data-day="2026-10-10" data-mark="work"' in body
    assert 'data-day="2026-10-01" data-mark="rest"' in body
    assert ">班<" in body and ">休<" in body


# ---------------------------------------------------------------- the API
def api_login(api, world, role):
    return api.as_user(world.user(role) if role else world.users[None])


@pytest.mark.parametrize("role", ROLES)
def test_the_preview_endpoint_is_scoped(api, world, role):
    plan = make_plan(world)
    chosen(plan, world.inside)
    api_login(api, world, role)
    response = api.get(f"/api/v1/inspection-plans/{plan.pk}/preview/")
    if role in PLANNERS_SEEING:
        assert_status(response, 200)
        data = response.json()
        assert data["fingerprint"] and len(data["visits"]) == 1
        assert data["visits"][0]["enterprise"] == world.inside.pk
        assert 1 <= data["visits"][0]["weekday"] <= 6  # never a Sunday here
    else:
        assert_hidden(response)
    assert not Visit.objects.exists()


def test_the_api_dispatches_what_it_previewed(api, world, inspectors):
    plan = make_plan(world)
    batch = enterprises(world, 3)
    for e in batch:
        chosen(plan, e, "yellow")
    chosen(plan, world.inside, "red")
    api_login(api, world, Role.COUNTY_ADMIN)
    base = f"/api/v1/inspection-plans/{plan.pk}"
    bad = api.get(f"{base}/preview/?risk_level=grey")
    assert_status(bad, 400)
    assert set(bad.json()["error"]["fields"]) == {"risk_level"}
    shown = api.get(f"{base}/preview/?risk_level=yellow").json()
    assert {v["enterprise"] for v in shown["visits"]} == {e.pk for e in batch}
    assert sum(i["visits"] for i in shown["inspectors"]) == 3
    unseen = api.post(f"{base}/assign/", {"risk_level": "yellow"})
    assert_status(unseen, 400)
    assert "fingerprint" in unseen.json()["error"]["fields"]
    stale = api.post(f"{base}/assign/", {"risk_level": "red", "fingerprint": shown["fingerprint"]})
    assert_status(stale, 409)
    bad_filter = api.post(f"{base}/assign/", {"sector": "mining", "fingerprint": "x"})
    assert_status(bad_filter, 400)
    assert not Visit.objects.exists()
    done = api.post(
        f"{base}/assign/", {"risk_level": "yellow", "fingerprint": shown["fingerprint"]}
    )
    assert_status(done, 200)
    assert done.json()["state"] == PlanState.PUBLISHED
    made = set(Visit.objects.values_list("enterprise", "inspector", "scheduled_on"))
    assert made == {
        (v["enterprise"], v["inspector"], date.fromisoformat(v["scheduled_on"]))
        for v in shown["visits"]
    }


# ---------------------------------------------------------------- a visit by hand
@pytest.fixture
def steel(world):
    return Enterprise.objects.create(
        name="宁夏汇通钢铁有限公司", uscc=valid_uscc("640104", 77), region=world.county
    )


def test_the_lookup_finds_by_name_pinyin_or_code(world, steel):
    from safeloop.enterprises.search import lookup

    rows = Enterprise.objects.all()
    assert list(lookup(rows, "汇通")) == [steel]
    assert list(lookup(rows, "htgt")) == [steel]
    assert list(lookup(rows, "NXHTGT")) == [steel]
    assert list(lookup(rows, steel.uscc.lower())) == [steel]
    assert list(lookup(rows, steel.uscc[-6:].lower())) == [steel]  # a part of the code
    assert list(lookup(rows, "")) == []
    assert steel not in lookup(rows, "示范")


def test_the_plan_page_finds_the_enterprise_and_adds_the_visit(client, world, steel):
    plan = make_plan(world, date(2026, 11, 2), date(2026, 12, 31))
    client.force_login(world.user(Role.COUNTY_ADMIN))
    url = reverse("inspection-plan", args=[plan.pk])
    found = client.get(url, {"find": "htgt"})
    assert f'data-enterprise="{steel.pk}"'.encode() in found.content
    assert steel.uscc.encode() in found.content
    outside = client.get(url, {"find": "石嘴山"})  # another city is not in the plan's region
    assert b'id="found-none"' in outside.content
    add = reverse("inspection-plan-add-visit", args=[plan.pk])
    inspector = world.user(Role.COUNTY_INSPECTOR)
    form = {"inspector": inspector.pk, "scheduled_on": "2026-11-09"}
    Enterprise.objects.create(name="兴庆企业", uscc=valid_uscc("640104", 78), region=world.county)
    ambiguous = client.post(add, {**form, "enterprise": "企业"})
    assert_status(ambiguous, 400)
    assert b'data-field="enterprise"' in ambiguous.content
    assert not Visit.objects.exists()
    done = client.post(add, {**form, "enterprise": "htgt"})
    assert_status(done, 302)
    assert Visit.objects.get().enterprise == steel


@pytest.mark.parametrize("role", ROLES)
def test_the_api_finds_and_adds_a_visit_by_hand(api, world, steel, role):
    plan = make_plan(world, date(2026, 11, 2), date(2026, 12, 31))
    api_login(api, world, role)
    base = f"/api/v1/inspection-plans/{plan.pk}"
    found = api.get(f"{base}/enterprises/?q=htgt")
    add = api.post(
        f"{base}/visits/",
        {
            "enterprise": steel.pk,
            "inspector": world.user(Role.COUNTY_INSPECTOR).pk,
            "scheduled_on": "2026-11-09",
        },
    )
    if role not in PLANNERS_SEEING:
        assert_hidden(found)
        assert_hidden(add)
        assert not Visit.objects.exists()
        return
    assert_status(found, 200)
    assert [row["id"] for row in found.json()] == [steel.pk]
    assert_status(add, 201)
    assert Visit.objects.get().enterprise == steel
    empty = api.get(f"{base}/enterprises/?q=+")
    assert_status(empty, 400)
    other = api.post(
        f"{base}/visits/",
        {"enterprise": world.outside.pk, "inspector": 0, "scheduled_on": "2026-11-09"},
    )
    assert_status(other, 400)
    assert "enterprise" in other.json()["error"]["fields"]


def test_a_long_proposal_lists_the_first_rows_and_counts_them_all(
    client, world, inspectors, monkeypatch
):
    from safeloop.inspections import views

    monkeypatch.setattr(views, "PREVIEW_ROWS", 2)
    plan = make_plan(world)
    for e in enterprises(world, 9):
        chosen(plan, e)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.get(reverse("inspection-plan-preview", args=[plan.pk]))
    body = page.content.decode()
    assert body.count('data-count="3"') == 3 and body.count("<tr data-day=") == 6
    assert "共3项检查，此处列出前2项。" in body
    assert len(page.context["preview"].proposal) == 9
